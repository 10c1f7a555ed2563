// The layer rule from DESIGN.md and STYLE.md §2, enforced: imports point down the ranks, folders of one rank
// never import each other, and another folder is entered only through its index.ts.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

const RANKS: Record<string, number> = {
  "errors.ts": 0, "dtype.ts": 0, "rng.ts": 0,
  kernels: 1, io: 1, tokenize: 1,
  autograd: 2,
  nn: 3, data: 3,
  models: 4, heads: 4,
  adapters: 5,
  train: 6,
  pipelines: 7, pretrain: 7, kadapter: 7,
  api: 8,
  serve: 9,
  cli: 10,
  "index.ts": 11,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The top-level unit of src/ a path belongs to: its first folder, or the file itself at the root. */
function unitOf(path: string): string {
  return relative(SRC, path).split(/[\\/]/)[0];
}

it("imports respect the layer ranks and enter folders through index.ts", () => {
  const violations: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = unitOf(file);
    const fromRank = RANKS[from];
    if (fromRank === undefined) {
      violations.push(`${relative(SRC, file)}: unit "${from}" has no rank; add it to RANKS`);
      continue;
    }
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/^\s*(?:import|export)[^'"]*?from\s+["'](\.[^"']+)["']/gm)) {
      const target = resolve(dirname(file), match[1]).replace(/\.js$/, ".ts");
      const to = unitOf(target);
      if (to === from) continue;
      const toRank = RANKS[to];
      const where = `${relative(SRC, file)} imports ${match[1]}`;
      if (toRank === undefined || toRank >= fromRank) violations.push(`${where}: rank ${fromRank} -> ${to} (rank ${toRank})`);
      const isFolder = !to.endsWith(".ts");
      if (isFolder && relative(join(SRC, to), target) !== "index.ts") violations.push(`${where}: enter ${to}/ through its index.ts`);
    }
  }
  assert.deepEqual(violations, []);
});

/** Relative value imports of a source file (type-only imports vanish at run time), resolved to .ts paths. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/^\s*(import|export)(\s+type\b)?[^'"]*?from\s+["'](\.[^"']+)["']/gm)]
    .filter((m) => m[2] === undefined)
    .map((m) => resolve(dirname(file), m[3]).replace(/\.js$/, ".ts"));
}

it("has no import cycles between source files (value imports)", () => {
  const files = sourceFiles(SRC);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(" -> "));
      return;
    }
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, "done");
  };
  for (const file of files) visit(file, []);
  assert.deepEqual(cycles, []);
});

// STYLE.md: a file over about 400 lines usually holds several concepts; split it by concept.
const MAX_LINES = 400;

it(`keeps every source file under ${MAX_LINES} lines`, () => {
  const long = sourceFiles(SRC)
    .map((f) => ({ file: relative(SRC, f), lines: readFileSync(f, "utf8").split("\n").length }))
    .filter((x) => x.lines > MAX_LINES)
    .map((x) => `${x.file}: ${x.lines} lines`);
  assert.deepEqual(long, []);
});

it("commands never import each other (shared pieces live in cli/, the rest in the library)", () => {
  const commands = join(SRC, "cli/commands");
  const crossings = sourceFiles(commands).flatMap((file) => importsOf(file)
    .filter((target) => dirname(target) === commands && target !== file)
    .map((target) => `${relative(SRC, file)} imports ${relative(SRC, target)}`));
  assert.deepEqual(crossings, []);
});

it("reads data only from the repository: no test names the full data folder, and in src/ only cli/setup.ts does", () => {
  const TESTS = resolve(SRC, "../tests");
  const mentions = (files: string[]): string[] => files.filter((f) => /\.\.\/shared\b|shared\/data/.test(readFileSync(f, "utf8")));
  assert.deepEqual(mentions(sourceFiles(TESTS)).map((f) => relative(TESTS, f)), []);
  assert.deepEqual(mentions(sourceFiles(SRC)).map((f) => relative(SRC, f)), [join("cli", "setup.ts")]);
});
