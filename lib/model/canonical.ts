// Canonical JSON for hashing model artefacts: object keys sorted by code point at every level,
// no whitespace, numbers in ECMAScript shortest round-trip form (JSON.stringify), non-finite numbers
// as the strings "Inf", "-Inf", "NaN" (cli.md convention), undefined members omitted, typed arrays as
// plain arrays. Two artefacts that parse to the same values give the same text, whatever key order
// they were written in.

export class CanonicalJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CanonicalJsonError";
  }
}

function write(value: unknown, out: string[], path: string): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "number":
      if (Number.isFinite(value)) out.push(JSON.stringify(Object.is(value, -0) ? 0 : value));
      else out.push(Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Inf"' : '"-Inf"');
      return;
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "object": {
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        write(Array.from(value as unknown as ArrayLike<number>), out, path);
        return;
      }
      if (Array.isArray(value)) {
        out.push("[");
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(",");
          const v = value[i];
          write(v === undefined ? null : v, out, `${path}[${i}]`);
        }
        out.push("]");
        return;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      out.push("{");
      keys.forEach((k, i) => {
        if (i > 0) out.push(",");
        out.push(JSON.stringify(k), ":");
        write(obj[k], out, `${path}.${k}`);
      });
      out.push("}");
      return;
    }
    default:
      throw new CanonicalJsonError(`cannot serialise a ${typeof value} at ${path || "the root"}`);
  }
}

/** Canonical JSON text of a value (see the file comment for the rules). */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, "");
  return out.join("");
}
