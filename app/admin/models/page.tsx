import { requireUser } from "@/server/auth/session";
import { api } from "@/server/api/caller";

export const metadata = { title: "Models · Axilla" };

// Admin home (placeholder — the model-admin UI fills this in). Example of an RSC tRPC call.
export default async function ModelsPage() {
  await requireUser("admin");
  const health = await (await api()).health.status();
  return (
    <section>
      <h1>Model versions</h1>
      <p>
        Active model: <strong>{health.model ?? "none"}</strong>
      </p>
    </section>
  );
}
