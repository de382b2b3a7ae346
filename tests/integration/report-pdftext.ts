// Text of a PDF written by pdf-lib with its standard fonts: inflate every FlateDecode stream and decode the
// hex strings shown with Tj (WinAnsi, one byte per glyph). Enough to check what a report says; not general.
import { inflateSync } from "node:zlib";

export function pdfText(pdf: Uint8Array): string {
  const buf = Buffer.from(pdf);
  const s = buf.toString("latin1");
  const out: string[] = [];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const start = m.index + m[0].length;
    const end = s.indexOf("endstream", start);
    if (end < 0) break;
    let body = buf.subarray(start, end);
    try {
      body = inflateSync(body);
    } catch {
      // not compressed (or not a flate stream): keep raw
    }
    const txt = body.toString("latin1");
    for (const t of txt.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) out.push(Buffer.from(t[1], "hex").toString("latin1"));
    for (const t of txt.matchAll(/\(((?:\\.|[^\\)])*)\)\s*Tj/g)) out.push(t[1]);
    re.lastIndex = end + "endstream".length;
  }
  return out.join("\n");
}
