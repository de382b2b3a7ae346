// File storage under DATA_DIR with content-addressed names (sha256). Store with `putFile`, read
// with `readStoredFile(relPath)`. Only the returned relative path goes into the database. Any
// path that would resolve outside the storage root (../, absolute, symlink tricks in names) is
// refused with StorageError. The interface is small on purpose so an object-store backend can
// replace it later.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { env } from "../env.ts";

export class StorageError extends Error {
  override name = "StorageError";
}

export interface StoredFile {
  /** Path relative to DATA_DIR, e.g. "files/ab/ab12…ef.dcm". Store this in the DB. */
  path: string;
  sha256: string;
  size: number;
}

export interface Storage {
  root: string;
  putFile(bytes: Uint8Array, opts?: { ext?: string; maxBytes?: number }): Promise<StoredFile>;
  readStoredFile(relPath: string): Promise<Buffer>;
  removeStoredFile(relPath: string): Promise<void>;
  /** Absolute path for a stored relative path; throws StorageError when it escapes the root. */
  resolveStoredPath(relPath: string): string;
}

export function createStorage(dataDir: string, maxBytesDefault?: number): Storage {
  const root = resolve(/* turbopackIgnore: true */ dataDir); // run-time data folder: never traced by the bundler
  const filesRoot = join(/* turbopackIgnore: true */ root, "files");

  function resolveStoredPath(relPath: string): string {
    if (typeof relPath !== "string" || relPath.length === 0 || relPath.includes("\0")) {
      throw new StorageError("invalid stored file path");
    }
    if (isAbsolute(relPath) || /^[a-zA-Z]:/.test(relPath)) throw new StorageError("stored file path must be relative");
    const abs = resolve(/* turbopackIgnore: true */ root, relPath);
    const rel = relative(filesRoot, abs);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel) || rel.split(sep).includes("..")) {
      throw new StorageError("stored file path escapes the data folder");
    }
    return abs;
  }

  return {
    root,
    resolveStoredPath,
    async putFile(bytes, opts = {}) {
      const max = opts.maxBytes ?? maxBytesDefault;
      if (max !== undefined && bytes.byteLength > max) {
        throw new StorageError(`file too large: ${bytes.byteLength} bytes exceeds the limit of ${max} bytes`);
      }
      const ext = opts.ext ?? "bin";
      if (!/^[a-z0-9]{1,8}$/i.test(ext)) throw new StorageError("invalid file extension");
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const rel = join("files", sha256.slice(0, 2), `${sha256}.${ext.toLowerCase()}`);
      const abs = resolveStoredPath(rel);
      const dir = dirname(abs);
      if (!existsSync(/* turbopackIgnore: true */ abs)) {
        await mkdir(/* turbopackIgnore: true */ dir, { recursive: true });
        const tmp = `${abs}.${process.pid}.${Date.now()}.tmp`;
        await writeFile(/* turbopackIgnore: true */ tmp, bytes, { mode: 0o600 });
        await rename(/* turbopackIgnore: true */ tmp, abs); // atomic: a crash never leaves a half-written content-addressed file
      }
      return { path: rel.split(sep).join("/"), sha256, size: bytes.byteLength };
    },
    async readStoredFile(relPath) {
      const abs = resolveStoredPath(relPath);
      return readFile(/* turbopackIgnore: true */ abs);
    },
    async removeStoredFile(relPath) {
      const abs = resolveStoredPath(relPath);
      await rm(/* turbopackIgnore: true */ abs, { force: true });
    },
  };
}

/** Storage rooted at DATA_DIR with the UPLOAD_MAX_MB limit. */
export function storage(): Storage {
  const e = env();
  return createStorage(e.dataDir, Math.round(e.UPLOAD_MAX_MB * 1024 * 1024));
}

export async function storedSize(s: Storage, relPath: string): Promise<number> {
  const abs = s.resolveStoredPath(relPath);
  return (await stat(/* turbopackIgnore: true */ abs)).size;
}
