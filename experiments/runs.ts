// What the experiment commands share: raw results kept as JSON and appended run by run (so a stopped
// experiment resumes where it was), mean and spread, and the README section a table is written into.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../src/io/index.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface RunsFile<R> {
  model: string;
  weightsSha256?: string; // absent in files written before it was recorded
  runs: R[];
}

/** The model's weights, hashed: results measured on other weights must not be mixed into a table. */
function weightsSha256(model: string): string {
  const hash = createHash("sha256");
  const weights = readdirSync(model).filter((f) => /\.(safetensors|bin)$|\.ckpt\.(index|data-)/.test(f)).sort();
  for (const file of weights) hash.update(readFileSync(join(model, file)));
  return hash.digest("hex");
}

/** The runs recorded so far; refuses a file measured on other weights than `model`'s. */
export function loadRuns<R>(path: string, model: string): R[] {
  if (!existsSync(path)) return [];
  const file = JSON.parse(readFileSync(path, "utf8")) as RunsFile<R>;
  if (file.weightsSha256 && file.weightsSha256 !== weightsSha256(model)) {
    throw new Error(`${path}: its runs were measured on other weights than ${model} has now (sha256 ${file.weightsSha256.slice(0, 12)}...); delete it to start again, or pass --results`);
  }
  return file.runs;
}

/** The model is recorded relative to the repository, so committed results name no local path. */
export async function saveRuns<R>(path: string, model: string, runs: readonly R[]): Promise<void> {
  const file: RunsFile<R> = { model: relative(ROOT, resolve(model)), weightsSha256: weightsSha256(model), runs: [...runs] };
  await writeFileAtomic(path, JSON.stringify(file, null, 1) + "\n");
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (0 for one value). */
export const std = (xs: readonly number[]): number => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

/** Replaces what README.md holds between <!-- name:start --> and <!-- name:end --> (nothing when absent). */
async function writeReadmeSection(name: string, markdown: string): Promise<void> {
  const readme = join(ROOT, "README.md");
  const text = readFileSync(readme, "utf8");
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  await writeFileAtomic(readme, `${text.slice(0, from + start.length)}\n${markdown}${text.slice(to)}`);
}

/** Where a results file's table goes: x-runs.json -> x.md, any other name -> name + ".md" (never the JSON itself). */
export function tablePath(results: string): string {
  const md = results.replace(/(-runs)?\.json$/, ".md");
  return md === results ? `${results}.md` : md;
}

/**
 * Saves the raw runs, then writes their table (ending with where the raw runs are) beside them and, given a
 * section name, into README.md.
 */
export async function publishRuns<R>(results: string, model: string, runs: readonly R[], markdown: string, readmeSection: string | null): Promise<void> {
  await saveRuns(results, model, runs);
  const md = `${markdown}; raw runs in ${relative(ROOT, resolve(results))}.\n`;
  await writeFileAtomic(tablePath(results), md);
  if (readmeSection) await writeReadmeSection(readmeSection, md);
}
