// CSV reading with the cli.md conventions: header row, comma-separated, RFC 4180 quoting,
// `NA` or empty = missing, a column is numeric when every non-missing cell parses as a number.

export type CsvTable = {
  columns: string[];
  /** raw cells, row-major; null = missing */
  rows: (string | null)[][];
};

export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CsvError";
  }
}

/** Parse CSV text. Throws CsvError naming the line on a ragged row or an unterminated quote. */
export function parseCsv(text: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let inQuotes = false;
  let line = 1;
  let quoteStartLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field.length === 0) {
      inQuotes = true;
      quoteStartLine = line;
    } else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      field = "";
      if (!(record.length === 1 && record[0] === "")) records.push(record);
      record = [];
      line++;
    } else field += c;
  }
  if (inQuotes) throw new CsvError(`unterminated quoted field starting on line ${quoteStartLine}`);
  if (field.length > 0 || record.length > 0) {
    record.push(field);
    if (!(record.length === 1 && record[0] === "")) records.push(record);
  }
  if (records.length === 0) throw new CsvError("the CSV is empty (no header row)");
  const columns = records[0].map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === "") throw new CsvError("the header row has an empty column name");
    if (seen.has(c)) throw new CsvError(`the header row names column "${c}" twice`);
    seen.add(c);
  }
  const rows: (string | null)[][] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    if (rec.length !== columns.length)
      throw new CsvError(`row ${r + 1} has ${rec.length} fields but the header has ${columns.length}`);
    rows.push(rec.map((v) => {
      const t = v.trim();
      return t === "" || t === "NA" ? null : t;
    }));
  }
  return { columns, rows };
}

export function columnIndex(table: CsvTable, name: string): number {
  const i = table.columns.indexOf(name);
  if (i < 0) throw new CsvError(`column "${name}" is missing (columns: ${table.columns.join(", ")})`);
  return i;
}

/** True when every non-missing cell of the column parses as a finite number. */
export function isNumericColumn(table: CsvTable, name: string): boolean {
  const j = columnIndex(table, name);
  return table.rows.every((row) => row[j] === null || Number.isFinite(Number(row[j])));
}

/** The column as numbers (NaN for missing). Throws naming the row when a cell is not numeric. */
export function numericColumn(table: CsvTable, name: string): Float64Array {
  const j = columnIndex(table, name);
  const out = new Float64Array(table.rows.length);
  table.rows.forEach((row, i) => {
    const v = row[j];
    if (v === null) out[i] = NaN;
    else {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new CsvError(`row ${i + 2}, column "${name}": "${v}" is not a number`);
      out[i] = n;
    }
  });
  return out;
}

export function textColumn(table: CsvTable, name: string): (string | null)[] {
  const j = columnIndex(table, name);
  return table.rows.map((row) => row[j]);
}
