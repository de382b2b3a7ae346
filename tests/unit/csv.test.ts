import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCsv, numericColumn, isNumericColumn, CsvError } from "../../lib/data/csv.ts";

test("csv: quotes, NA and empty cells, CRLF", () => {
  const t = parseCsv('a,b,"c d"\r\n1,NA,"x, ""y"""\r\n2,,z\r\n');
  assert.deepEqual(t.columns, ["a", "b", "c d"]);
  assert.deepEqual(t.rows, [["1", null, 'x, "y"'], ["2", null, "z"]]);
  assert.equal(isNumericColumn(t, "a"), true);
  assert.equal(isNumericColumn(t, "c d"), false);
  assert.deepEqual(Array.from(numericColumn(t, "a")), [1, 2]);
});

test("csv: ragged rows and bad numbers are named", () => {
  assert.throws(() => parseCsv("a,b\n1\n"), (e: unknown) => e instanceof CsvError && /row 2 has 1 fields/.test(e.message));
  const t = parseCsv("age\n54\nold\n");
  assert.throws(() => numericColumn(t, "age"), /row 3, column "age": "old" is not a number/);
  assert.throws(() => numericColumn(t, "nope"), /column "nope" is missing/);
});
