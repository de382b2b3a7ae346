// Next.js start-up hook: the Node.js server process becomes the single owner of the database
// (PGlite allows one process per data folder) and of the job queue.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { initServer } = await import("./server/init.ts");
    await initServer();
  }
}
