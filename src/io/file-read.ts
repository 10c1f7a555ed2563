// Positioned reads shared by the readers: open with a FormatError naming a missing file, and fill a buffer
// from an offset in bounded calls (one fs read is capped near 2 GiB; weights files can be larger).
import { open, type FileHandle } from "node:fs/promises";
import { FormatError } from "../errors.js";

const MAX_READ = 1 << 30;

/** Where a reader puts a whole weights file: by default a fresh Uint8Array; a caller may hand memory of its
 *  own (the native backend's huge-page mappings, which fill several times faster: README, "Inference"). */
export type Allocate = (bytes: number) => ArrayBuffer;

export function freshBytes(bytes: number, allocate?: Allocate): Uint8Array {
  return allocate ? new Uint8Array(allocate(bytes), 0, bytes) : new Uint8Array(bytes);
}

/**
 * Opens `path` for reading; a missing file is a FormatError "<label>: file not found at <path>", and so is a
 * directory (opening one succeeds, and only the first read would fail, with a bare EISDIR).
 */
export async function openForRead(path: string, label: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new FormatError(`${label}: file not found at ${path}`);
    throw error;
  }
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new FormatError(`${label}: expected a file at ${path}, got a directory`);
  }
  return handle;
}

/** Fills `bytes` from file offset `position`; a file ending early is a FormatError naming the offset. */
export async function readExactly(handle: FileHandle, bytes: Uint8Array, position: number, label: string): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesRead } = await handle.read(bytes, done, Math.min(bytes.length - done, MAX_READ), position + done);
    if (bytesRead === 0) throw new FormatError(`${label}: file ended at offset ${position + done} while reading ${bytes.length} bytes at ${position}`);
    done += bytesRead;
  }
}
