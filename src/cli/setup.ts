// What the commands share: the kit over a model directory (kernels from ADAPTERKIT_BACKEND, notices on
// stderr), flag parsers, and where the shared data lives.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AdapterKit } from "../api/index.js";
import { backendChoiceFromEnv } from "../kernels/index.js";

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function integer(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new Error(`--${name}: expected an integer, got "${value}"`);
    return n;
  };
}

export function number(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`--${name}: expected a number, got "${value}"`);
    return n;
  };
}

/** ../shared/data beside the package (the layout of this repository's checkout and CI). */
export function defaultDataDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared/data");
}

/** The library's kit over a model directory, with the kernels chosen from ADAPTERKIT_BACKEND and notices on stderr. */
export function openKit(modelDir: string, options: { lowercase?: boolean; strict?: boolean } = {}): Promise<AdapterKit> {
  return AdapterKit.load(modelDir, { ...options, backend: backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND), log });
}
