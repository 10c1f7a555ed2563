// What the commands share: the kit over a model directory (kernels from ADAPTERKIT_BACKEND, notices on
// stderr), flag parsers, and where the data lives: the only place that names a default --data folder.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AdapterKit } from "../api/index.js";
import { ConfigError } from "../errors.js";
import { backendChoiceFromEnv, type LinearPrecision } from "../kernels/index.js";

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function integer(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new ConfigError(`--${name}: expected an integer, got "${value}"`);
    return n;
  };
}

/** --precision: how the base's Linear weights run for inference (AdapterKit's LoadOptions.precision). */
export function precision(value: string): LinearPrecision {
  if (value !== "fp32" && value !== "int8" && value !== "bf16") throw new ConfigError(`--precision: expected fp32, int8 or bf16, got "${value}"`);
  return value;
}

export const PRECISION_HELP = "fp32, int8 (weights per channel, activations per row, AVX-512 VNNI) or bf16 (AVX-512 BF16); int8 for inference only, bf16 also trains adapters";

export function number(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new ConfigError(`--${name}: expected a number, got "${value}"`);
    return n;
  };
}

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The data shipped with the package: small slices (the demo's SST-2, a few hundred rows of each format) in the
 *  full folder's layout; data/README.md says what each is and how it was cut. */
export const BUNDLED_DATA = join(PACKAGE_ROOT, "data");

/** The full real-data folder, where this repository's checkout and CI keep it. */
const FULL_DATA = resolve(PACKAGE_ROOT, "../shared/data");

const FULL_LAYOUT =
  "glue/<TASK>/{train,dev}.tsv, conll2003/{train,valid}.txt, kadapter/OpenEntity/, kadapter/LitWD1Krel/, ud/en-ewt/, ud/en-gum/, text/wikipedia-en/, text/gutenberg-en/, text/wikitext2-test/, vocab/";

/** How --data defaults, for the commands' help. */
export const DATA_DEFAULT = `default: ${FULL_DATA} when it is there, else the bundled ${BUNDLED_DATA}`;

/** --data for commands that also run on the slices (train, eval, kadapter): the flag, else the full folder
 *  when it is there, else the bundled slices, which it says. */
export function dataDir(flag: string | undefined): string {
  if (flag) return flag;
  if (existsSync(FULL_DATA)) return FULL_DATA;
  log(`data: no ${FULL_DATA}; using the slices shipped in ${BUNDLED_DATA} (see its README.md); pass --data DIR for the full sets`);
  return BUNDLED_DATA;
}

/** --data for work that needs the full corpora (pretraining on the default corpus, the experiments): the flag,
 *  else the full folder when it is there, else an error that says what layout it expects. */
export function fullDataDir(flag: string | undefined, what: string): string {
  const dir = flag ?? FULL_DATA;
  if (!existsSync(join(dir, "text")) || !existsSync(join(dir, "glue"))) {
    throw new ConfigError(
      `${what}: expected the full data folder at ${dir} (${flag ? "--data" : "the default, ../shared/data beside the package"}), laid out as ${FULL_LAYOUT}; ${BUNDLED_DATA} holds only slices of it`,
    );
  }
  return dir;
}

/** The library's kit over a model directory, with the kernels chosen from ADAPTERKIT_BACKEND and notices on stderr. */
export function openKit(modelDir: string, options: { lowercase?: boolean; strict?: boolean; precision?: LinearPrecision } = {}): Promise<AdapterKit> {
  return AdapterKit.load(modelDir, { ...options, backend: backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND), log });
}
