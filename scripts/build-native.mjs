// Builds the native backend (binding.gyp -> build/Release/adapterkit.node) with npm's bundled node-gyp.
// Run by package.json's "install" script and by `npm run build:native`.
//
// The GEMM: the addon's own native/gemm.c by default (binding.gyp's blas variable): measured here 1.5-1.9x
// OpenBLAS 0.3.21 on BERT's shapes and the demo 1.34x faster (README, "The engine"), with no system library
// to install. ADAPTERKIT_BLAS=openblas builds on OpenBLAS instead when a C file calling cblas_sgemm compiles
// and links with -lopenblas here (no addon, and the one line says why, when it does not).
//
// It always exits 0: AdapterKit works without the addon (on the slower reference kernels), so a missing
// compiler must never fail `npm install`. On failure it prints exactly one line saying why and how to get the
// fast path, and leaves node-gyp's full output in build/native-build.log. On success it prints one line,
// naming the GEMM. Set ADAPTERKIT_SKIP_NATIVE=1 to skip the build on purpose (also handy to test the
// fallback message).
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const addonPath = join(packageRoot, "build", "Release", "adapterkit.node");
// Which GEMM the addon was built on, read by src/kernels/native/load.ts before it loads the addon (the OpenMP
// runtime takes its thread settings from the environment when it loads).
const manifestPath = join(packageRoot, "build", "Release", "adapterkit-build.json");
const logPath = join(packageRoot, "build", "native-build.log");

try {
  main();
} catch (error) {
  // a bug here must not fail `npm install` either
  giveUp(`build script error: ${firstLine(String(error instanceof Error ? error.message : error))}`);
}

function main() {
  if (process.env.ADAPTERKIT_SKIP_NATIVE === "1") {
    giveUp("ADAPTERKIT_SKIP_NATIVE=1");
    return;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    giveUp("node-gyp not found");
    return;
  }
  const blas = chooseBlas();
  if ("error" in blas) {
    giveUp(blas.error);
    return;
  }
  const args = [...nodeGyp.args, "rebuild", `--blas=${blas.use}`];
  // Installed Node headers beside the running node (Debian's nodejs, the official tarballs): point node-gyp
  // at them so it never tries to download headers (installs may be offline).
  const nodeDir = resolve(dirname(process.execPath), "..");
  if (existsSync(join(nodeDir, "include", "node", "node_api.h"))) args.push(`--nodedir=${nodeDir}`);

  const run = spawnSync(nodeGyp.command, args, { cwd: packageRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const output = `$ ${nodeGyp.command} ${args.join(" ")}\n${run.stdout ?? ""}${run.stderr ?? ""}${run.error ? `\n${run.error.message}\n` : ""}`;
  if (run.error || run.status !== 0 || !existsSync(addonPath)) {
    writeLog(output);
    giveUp(`${diagnose(output, run)}; log: ${relative(logPath)}`);
    return;
  }
  // Linking can succeed while loading fails (a runtime library missing); check in a separate process.
  const load = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(addonPath)})`], { encoding: "utf8" });
  if (load.status !== 0) {
    const reason = firstLine(load.stderr.split("\n").find((line) => line.includes("Error")) ?? load.stderr);
    writeLog(`${output}\n$ node -e require(addon)\n${load.stderr}`);
    giveUp(`built but failed to load: ${reason}; log: ${relative(logPath)}`);
    return;
  }
  writeFileSync(manifestPath, `${JSON.stringify({ gemm: blas.use })}\n`);
  console.log(`adapterkit: native addon built (${relative(addonPath)}, ${blas.note})`);
}

/**
 * The GEMM to build with: { use: "openblas" | "builtin", note: for the success line }, or { error } when
 * ADAPTERKIT_BLAS asks for what cannot be had.
 */
function chooseBlas() {
  const asked = process.env.ADAPTERKIT_BLAS ?? "";
  if (asked === "" || asked === "builtin") return { use: "builtin", note: "built-in GEMM" };
  if (asked !== "openblas") return { error: `ADAPTERKIT_BLAS=${asked}: expected builtin or openblas` };
  const missing = openblasMissing();
  return missing ? { error: `ADAPTERKIT_BLAS=openblas but ${missing}` } : { use: "openblas", note: "OpenBLAS: ADAPTERKIT_BLAS=openblas" };
}

/** Why OpenBLAS cannot be used here, or null: test-compiles and links a call of cblas_sgemm (~0.1 s). */
function openblasMissing() {
  const [cc, ...ccArgs] = (process.env.CC || "cc").trim().split(/\s+/); // CC may be "ccache gcc"
  const probe = [
    "#include <cblas.h>",
    "int main(void) { float x = 1.0f; cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0f, &x, 1, &x, 1, 0.0f, &x, 1); return 0; }",
    "",
  ].join("\n");
  let dir;
  try {
    dir = mkdtempSync(join(tmpdir(), "adapterkit-blas-"));
  } catch (error) {
    return `could not test for it (${firstLine(String(error instanceof Error ? error.message : error))})`;
  }
  try {
    const run = spawnSync(cc, [...ccArgs, "-x", "c", "-", "-o", join(dir, "probe"), "-lopenblas"], { input: probe, encoding: "utf8" });
    if (run.error) return `no C compiler to test for it (${cc}: ${run.error.message})`;
    if (run.status === 0) return null;
    if (/cblas\.h/.test(run.stderr)) return "OpenBLAS headers missing: cblas.h";
    if (/-lopenblas/.test(run.stderr)) return "OpenBLAS library missing: -lopenblas";
    return `OpenBLAS test compile failed: ${firstLine(run.stderr)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the one fallback line. The hint differs for this repo (a checkout) and an installed dependency. */
function giveUp(reason) {
  const insideNodeModules = packageRoot.split(sep).includes("node_modules");
  const rebuild = insideNodeModules ? "npm rebuild adapterkit" : "npm run build:native";
  console.log(
    `adapterkit: native addon not built (${reason}); using the reference kernels, about 30x slower (the demo takes over half an hour instead of under a minute). ` +
      `For the fast path: apt-get install -y build-essential python3, then ${rebuild}`,
  );
}

/**
 * npm's bundled node-gyp, found in order: `node-gyp` on PATH (npm puts its node-gyp-bin there for lifecycle
 * scripts), npm_config_node_gyp (set by npm), then the copy inside the npm that runs us or sits beside node.
 */
function findNodeGyp() {
  const onPath = findOnPath("node-gyp");
  if (onPath) return { command: onPath, args: [] };
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  }
  const npm = findOnPath("npm");
  if (npm) {
    candidates.push(join(dirname(npm), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
    try {
      // /usr/bin/npm -> /usr/lib/node_modules/npm/bin/npm-cli.js
      candidates.push(join(dirname(realpathSync(npm)), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
    } catch {
      // unreadable link: the other candidates remain
    }
  }
  candidates.push(join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  const script = candidates.find((path) => existsSync(path));
  return script ? { command: process.execPath, args: [script] } : null;
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

/** A short reason from node-gyp's output: the usual missing pieces first, else the exit status. */
function diagnose(output, run) {
  const known = [
    [/cblas\.h: No such file/, "OpenBLAS headers missing: cblas.h"],
    [/cannot find -lopenblas/, "OpenBLAS library missing: -lopenblas"],
    [/cannot find -lmvec/, "glibc libmvec missing: -lmvec"],
    [/node_api\.h: No such file/, "Node headers missing: node_api.h"],
    [/Could not find any Python/, "python3 not found"],
    [/not found: make|make: (command )?not found/, "make not found"],
    [/\b(cc|gcc|g\+\+|c\+\+): (command )?not found|make: (cc|gcc|g\+\+|c\+\+): No such file/, "C compiler not found"],
    [/error:/, firstLine(output.split("\n").find((line) => line.includes("error:")) ?? "compile error")],
    [/Error 127/, "a build tool is missing (make: Error 127)"],
  ];
  for (const [pattern, reason] of known) {
    if (pattern.test(output)) return reason;
  }
  if (run.error) return `node-gyp could not start: ${run.error.message}`;
  if (run.status !== 0) return `node-gyp exited with status ${run.status ?? run.signal}`;
  return `node-gyp succeeded but ${relative(addonPath)} is missing`;
}

function writeLog(text) {
  try {
    mkdirSync(dirname(logPath), { recursive: true });
    writeFileSync(logPath, text);
  } catch {
    // the one-line message still says what happened
  }
}

function firstLine(text) {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function relative(path) {
  return path.startsWith(packageRoot + sep) ? path.slice(packageRoot.length + 1) : path;
}
