// Writes that never leave a half-written file: data goes to a temp file in the target's own directory
// (rename is only atomic within one file system), is fsynced, then renamed over the target; the directory
// is fsynced so the rename itself survives a crash. On any error the temp file is removed.
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { FormatError } from "../errors.js";

/** File contents: bytes, UTF-8 text, or chunks produced lazily (a throwing producer aborts the write). */
export type FileContents = Uint8Array | string | Iterable<Uint8Array>;

function tempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

async function writeContents(handle: FileHandle, contents: FileContents): Promise<void> {
  if (typeof contents === "string") await writeAll(handle, Buffer.from(contents, "utf8"));
  else if (contents instanceof Uint8Array) await writeAll(handle, contents);
  else for (const chunk of contents) await writeAll(handle, chunk);
}

/** Writes `contents` to a new file at `path` ("wx": never clobbers) and fsyncs it. */
async function writeDurable(path: string, contents: FileContents): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await writeContents(handle, contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Fsyncs a directory so renames inside it are durable; skipped where directories cannot be opened. */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw error;
  } finally {
    await handle?.close();
  }
}

/** Writes `path` atomically: readers see the old file or the complete new one, never a partial one. */
export async function writeFileAtomic(path: string, contents: FileContents): Promise<void> {
  const temp = tempName(path);
  try {
    await writeDurable(temp, contents);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dirname(path));
}

function checkFileName(dir: string, name: string): void {
  if (name === "" || name === "." || name === ".." || /[\\/]/.test(name) || name.includes("\0")) {
    throw new FormatError(`writeFilesAtomic(${dir}): expected a plain file name, got "${name}"`);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/**
 * Writes several files into `dir` so that none is ever half-written (an adapter folder, a checkpoint).
 * A new `dir` is built as a temp directory beside it and renamed into place, so it appears complete or not
 * at all. In an existing `dir` every file is first written to a temp file there, and only when all are
 * written and fsynced are they renamed over their targets; other files in `dir` are left alone.
 */
export async function writeFilesAtomic(dir: string, files: Readonly<Record<string, FileContents>>): Promise<void> {
  const names = Object.keys(files);
  for (const name of names) checkFileName(dir, name);
  if (await isDirectory(dir)) {
    await writeIntoExistingDir(dir, files, names);
  } else {
    await writeNewDir(dir, files, names);
  }
}

async function writeNewDir(dir: string, files: Readonly<Record<string, FileContents>>, names: string[]): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const temp = tempName(dir);
  try {
    await mkdir(temp);
    for (const name of names) await writeDurable(join(temp, name), files[name]);
    await syncDir(temp);
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  await syncDir(dirname(dir));
}

async function writeIntoExistingDir(dir: string, files: Readonly<Record<string, FileContents>>, names: string[]): Promise<void> {
  const staged: { temp: string; target: string }[] = [];
  try {
    for (const name of names) {
      const entry = { temp: tempName(join(dir, name)), target: join(dir, name) };
      staged.push(entry);
      await writeDurable(entry.temp, files[name]);
    }
    for (const { temp, target } of staged) await rename(temp, target);
  } catch (error) {
    // Temps already renamed are gone (force ignores them); the rest are removed.
    for (const { temp } of staged) await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dir);
}
