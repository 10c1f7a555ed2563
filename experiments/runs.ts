// What the experiment commands share: raw results kept as JSON and appended run by run (so a stopped
// experiment resumes where it was), mean and spread, and the README section a table is written into.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../src/io/index.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export function loadRuns<R>(path: string): R[] {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as { runs: R[] }).runs : [];
}

/** The model is recorded relative to the repository, so committed results name no local path. */
export async function saveRuns<R>(path: string, model: string, runs: readonly R[]): Promise<void> {
  await writeFileAtomic(path, JSON.stringify({ model: relative(ROOT, resolve(model)), runs }, null, 1) + "\n");
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (0 for one value). */
export const std = (xs: readonly number[]): number => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

/** Replaces what README.md holds between <!-- name:start --> and <!-- name:end --> (nothing when absent). */
export async function writeReadmeSection(name: string, markdown: string): Promise<void> {
  const readme = join(ROOT, "README.md");
  const text = readFileSync(readme, "utf8");
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  await writeFileAtomic(readme, `${text.slice(0, from + start.length)}\n${markdown}${text.slice(to)}`);
}
