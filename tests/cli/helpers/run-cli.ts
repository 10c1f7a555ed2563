// Running the built adapterkit command as a user would, from the repository root.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const CLI = join(ROOT, "dist/src/cli/main.js");
import { DATA } from "../../helpers/data.js";

export { DATA };

export function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs and requires exit code 0; returns stdout. */
export function ok(args: string[]): string {
  const r = run(args);
  assert.equal(r.code, 0, `adapterkit ${args.join(" ")} failed:\n${r.stderr}`);
  return r.stdout;
}
