import Link from "next/link";
import { requireUser } from "@/server/auth/session";
import { AdminNav } from "../AdminNav";
import { Compare } from "./Compare";

export const metadata = { title: "Compare model versions · Axilla" };

export default async function ComparePage({ searchParams }: { searchParams: Promise<{ a?: string; b?: string }> }) {
  await requireUser("admin");
  const { a, b } = await searchParams;
  const uuid = /^[0-9a-f-]{36}$/i;
  return (
    <section>
      <h1>Compare model versions</h1>
      <AdminNav />
      <p>
        <Link href="/admin/models">← All versions</Link>
      </p>
      {a && b && uuid.test(a) && uuid.test(b) && a.toLowerCase() !== b.toLowerCase() ? (
        <Compare a={a} b={b} />
      ) : (
        <p className="error" id="compare-choose">
          {a && b && a.toLowerCase() === b.toLowerCase() ? "A version cannot be compared with itself: choose two different versions on the versions page." : "Choose two versions on the versions page."}
        </p>
      )}
    </section>
  );
}
