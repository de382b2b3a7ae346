// server/storage: content-addressed files under the data folder; traversal refused; size limit.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createStorage, StorageError } from "../../server/storage/index.ts";

const dir = mkdtempSync(join(tmpdir(), "axilla-storage-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("putFile stores by sha256 under DATA_DIR/files and reads back", async () => {
  const s = createStorage(dir);
  const bytes = new TextEncoder().encode("DICM fake bytes");
  const expected = createHash("sha256").update(bytes).digest("hex"); // node:crypto as the reference
  const f = await s.putFile(bytes, { ext: "dcm" });
  assert.equal(f.sha256, expected);
  assert.equal(f.path, `files/${expected.slice(0, 2)}/${expected}.dcm`);
  assert.equal(f.size, bytes.byteLength);
  assert.ok(existsSync(join(dir, f.path)));
  assert.deepEqual(new Uint8Array(await s.readStoredFile(f.path)), bytes);
  const again = await s.putFile(bytes, { ext: "dcm" });
  assert.equal(again.path, f.path, "same content, same name");
});

test("paths escaping the data folder are refused", async () => {
  const s = createStorage(dir);
  for (const bad of ["../etc/passwd", "files/../../etc/passwd", "files/../secret", "/etc/passwd", "files/ab/../../../x", "secret", "pg/PG_VERSION", "", "files/a\0b", "C:\\windows\\win.ini"]) {
    assert.throws(() => s.resolveStoredPath(bad), StorageError, `should refuse ${JSON.stringify(bad)}`);
    await assert.rejects(s.readStoredFile(bad), StorageError);
  }
  assert.ok(s.resolveStoredPath("files/ab/abc.dcm").startsWith(join(dir, "files")));
});

test("bad extension and oversize uploads are refused", async () => {
  const s = createStorage(dir, 10);
  await assert.rejects(s.putFile(new Uint8Array(11)), /file too large: 11 bytes exceeds the limit of 10 bytes/);
  await assert.rejects(s.putFile(new Uint8Array(1), { ext: "../x" }), StorageError);
  await s.putFile(new Uint8Array(10));
});
