import Link from "next/link";
import { api } from "@/server/api/caller";
import { requireUser } from "@/server/auth/session";
import "./board.css";
import { formatDay } from "@/app/_components/format";

export const metadata = { title: "Tumour board · Axilla" };

// Board home: the tumour-board meetings (read-only); each opens its cases and presentation mode.
export default async function BoardPage() {
  await requireUser("board");
  const meetings = await (await api()).meetings.list();
  return (
    <section>
      <h1>Tumour board meetings</h1>
      {meetings.length === 0 ? (
        <p>No meetings for you yet: a surgeon adds you as a board member of a meeting from a case&apos;s prediction page.</p>
      ) : (
        <table>
          <caption>Meetings, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Meeting</th>
              <th scope="col">Cases</th>
            </tr>
          </thead>
          <tbody>
            {meetings.map((m) => (
              <tr key={m.id}>
                <td>{formatDay(m.date)}</td>
                <td>
                  <Link href={`/board/${m.id}`}>{m.title}</Link>
                </td>
                <td>{m.caseCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
