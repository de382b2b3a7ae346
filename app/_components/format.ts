// Dates as every screen shows them: day, month name and year, so that 02/12 and 12/2 can never be confused
// between colleagues with different browser locales.
const DAY: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };

/** "2 Dec 2026" in the viewer's time zone. */
export function formatDate(d: Date | string | number): string {
  return new Date(d).toLocaleDateString("en-GB", DAY);
}

/** "2 Dec 2026, 14:05" in the viewer's time zone. */
export function formatDateTime(d: Date | string | number): string {
  return new Date(d).toLocaleString("en-GB", { ...DAY, hour: "2-digit", minute: "2-digit" });
}

/** A calendar day stored as midnight UTC (meeting dates): the same day for every viewer, e.g. "Wed 2 Dec 2026". */
export function formatDay(d: Date | string | number): string {
  return new Date(d).toLocaleDateString("en-GB", { ...DAY, weekday: "short", timeZone: "UTC" });
}
