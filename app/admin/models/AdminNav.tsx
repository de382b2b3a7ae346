import Link from "next/link";
import "./admin.css";

/** Sub-navigation of the model administration pages. */
export function AdminNav() {
  return (
    <nav aria-label="Model administration" className="no-print">
      <ul className="admin-subnav">
        <li>
          <Link href="/admin/models">Model versions</Link>
        </li>
        <li>
          <Link href="/admin/cohorts">Cohorts</Link>
        </li>
        <li>
          <Link href="/admin/runs">Training runs</Link>
        </li>
        <li>
          <Link href="/admin/baselines">Baselines</Link>
        </li>
        <li>
          <Link href="/admin/audit">Audit log</Link>
        </li>
      </ul>
    </nav>
  );
}
