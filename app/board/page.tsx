import { requireUser } from "@/server/auth/session";

export const metadata = { title: "Tumour board · Axilla" };

// Board home (placeholder — the tumour-board view fills this in).
export default async function BoardPage() {
  await requireUser("board");
  return (
    <section>
      <h1>Tumour board meetings</h1>
      <p>Upcoming meetings and their cases will be listed here.</p>
    </section>
  );
}
