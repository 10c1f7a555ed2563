// Choosing a backend: ADAPTERKIT_BACKEND validation, and "auto" falling back to ref with one notice line.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { BackendError, ConfigError } from "../../src/errors.js";
import { backendChoiceFromEnv, loadBackend, loadNativeGemm, nativeAddonPath, refBackend } from "../../src/kernels/index.js";

const built = existsSync(nativeAddonPath());

describe("backendChoiceFromEnv", () => {
  it("accepts auto, ref and native, and reads unset or empty as auto", () => {
    assert.equal(backendChoiceFromEnv(undefined), "auto");
    assert.equal(backendChoiceFromEnv(""), "auto");
    for (const v of ["auto", "ref", "native"]) assert.equal(backendChoiceFromEnv(v), v);
  });

  it("rejects an unknown value with a ConfigError listing the accepted ones", () => {
    assert.throws(() => backendChoiceFromEnv("fast"),
      (err: unknown) => err instanceof ConfigError && err.message === 'ADAPTERKIT_BACKEND: unknown backend "fast"; expected one of auto, ref, native');
    assert.throws(() => backendChoiceFromEnv("Native"), ConfigError);
  });
});

describe("loadBackend", () => {
  it("ref returns the reference backend without a notice", () => {
    const notices: string[] = [];
    assert.equal(loadBackend("ref", (line) => notices.push(line)), refBackend);
    assert.deepEqual(notices, []);
  });

  it(`auto picks native when the addon is built, else ref, and says which (and which GEMM) in one line (addon ${built ? "built" : "not built"})`, () => {
    const notices: string[] = [];
    const backend = loadBackend("auto", (line) => notices.push(line));
    if (built) {
      assert.equal(backend.name, "native");
      const gemm = loadNativeGemm().name;
      assert.match(gemm, /^(OpenBLAS|builtin \((avx512|avx2|generic)\))$/);
      assert.deepEqual(notices, [`adapterkit: backend auto chose the native kernels (GEMM: ${gemm})`]);
    } else {
      assert.equal(backend, refBackend);
      assert.equal(notices.length, 1);
      assert.match(notices[0], /reference kernels, about 30x slower.*build-essential/);
      assert.ok(!notices[0].includes("\n"), "one line");
    }
  });

  it(`native ${built ? "loads the addon" : "throws BackendError with the path and a hint"}`, () => {
    if (built) {
      assert.equal(loadBackend("native").name, "native");
    } else {
      assert.throws(() => loadBackend("native"),
        (err: unknown) => err instanceof BackendError && err.message.includes(nativeAddonPath()) && /hint: .*build:native|hint: .*rebuild/.test(err.message));
    }
  });
});
