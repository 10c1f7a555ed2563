// The native loader and the addon's argument checks: the glue is the memory-safety boundary, so a wrong
// type, a short buffer or an out-of-range index must throw (naming the method and the argument), never
// reach the C kernels. Skips loudly without a built addon, like the parity tests.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { nativeAddonPath, refBackend, type Backend } from "../../../src/kernels/index.js";
import { NATIVE_MISSING, nativeOrSkip } from "../../helpers/backend.js";

const ADDON = nativeAddonPath();
if (NATIVE_MISSING) console.log(`# native loader: SKIPPING the addon tests: ${NATIVE_MISSING}`);

describe("native loader", () => {
  it("locates the addon under the package root's build/Release", () => {
    assert.match(ADDON, /[\\/]build[\\/]Release[\\/]adapterkit\.node$/);
  });

  it("returns a frozen backend named native with every Backend method", (t) => {
    const native = nativeOrSkip(t);
    if (!native) return;
    assert.equal(native.name, "native");
    assert.ok(Object.isFrozen(native));
    const methods = Object.keys(refBackend).filter((k) => k !== "name").sort();
    assert.deepEqual(Object.keys(native).filter((k) => k !== "name").sort(), methods);
    for (const m of methods) assert.equal(typeof (native as unknown as Record<string, unknown>)[m], "function", m);
  });

  it("makes idle OpenMP and OpenBLAS threads sleep unless the user chose otherwise", (t) => {
    if (!nativeOrSkip(t)) return;
    const kernels = new URL("../../../src/kernels/index.js", import.meta.url).href;
    const valueAfterLoad = (variable: string, value: string | undefined): string => {
      const env = { ...process.env };
      delete env[variable];
      if (value) env[variable] = value;
      const script = `const { loadNativeBackend } = await import(${JSON.stringify(kernels)}); loadNativeBackend(); console.log(process.env.${variable});`;
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    assert.equal(valueAfterLoad("OMP_WAIT_POLICY", undefined), "PASSIVE");
    assert.equal(valueAfterLoad("OMP_WAIT_POLICY", "active"), "active");
    assert.equal(valueAfterLoad("OPENBLAS_THREAD_TIMEOUT", undefined), "4");
    assert.equal(valueAfterLoad("OPENBLAS_THREAD_TIMEOUT", "28"), "28");
  });
});

describe("native argument checks", () => {
  // Calls through an untyped view, as a caller bypassing TypeScript would.
  const call = (native: Backend, method: string, ...args: unknown[]): void => {
    (native as unknown as Record<string, (...a: unknown[]) => void>)[method](...args);
  };
  const f32 = (n: number): Float32Array => new Float32Array(n);

  it("throws TypeError naming method and argument for a Float64Array", (t) => {
    const native = nativeOrSkip(t);
    if (!native) return;
    assert.throws(() => call(native, "matmul", f32(4), new Float64Array(4), f32(4), 1, 2, 2, 2, false, false, 0, false),
      (err: unknown) => err instanceof TypeError && /native matmul: expected argument 'a' to be a Float32Array, got Float64Array/.test(err.message));
    assert.throws(() => call(native, "reluForward", new Float64Array(3), f32(3), 3),
      (err: unknown) => err instanceof TypeError && /reluForward.*'out'.*Float64Array/.test(err.message));
  });

  it("throws TypeError for null where a buffer is required, and for wrong scalars", (t) => {
    const native = nativeOrSkip(t);
    if (!native) return;
    assert.throws(() => call(native, "softmaxForward", null, f32(4), 2, 2), (err: unknown) => err instanceof TypeError && /'out'.*got null/.test(err.message));
    assert.throws(() => call(native, "matmul", f32(4), f32(4), f32(4), 1, 2, 2, 2, 0, false, 0, false), (err: unknown) => err instanceof TypeError && /'transA' to be a boolean/.test(err.message));
    assert.throws(() => call(native, "scaleForward", f32(2), f32(2), "2", 2), (err: unknown) => err instanceof TypeError && /'s' to be a number/.test(err.message));
    assert.throws(() => call(native, "geluForward", f32(2), f32(2), 2, 1), (err: unknown) => err instanceof TypeError && /'approximation'/.test(err.message));
    assert.throws(() => call(native, "gatherRowsForward", f32(2), f32(2), [0, 1], 2, 1), (err: unknown) => err instanceof TypeError && /'index' to be a Int32Array, got an Array/.test(err.message));
  });

  it("throws TypeError for a wrong argument count", (t) => {
    const native = nativeOrSkip(t);
    if (!native) return;
    assert.throws(() => call(native, "mseForward", f32(1), f32(2), f32(2)), (err: unknown) => err instanceof TypeError && /mseForward: expected 4 arguments, got 3/.test(err.message));
  });

  it("throws RangeError for buffers shorter than the dims, bad dims and unknown variants", (t) => {
    const native = nativeOrSkip(t);
    if (!native) return;
    assert.throws(() => call(native, "matmul", f32(3), f32(4), f32(4), 1, 2, 2, 2, false, false, 0, false),
      (err: unknown) => err instanceof RangeError && /'out' to hold at least 4 elements \(batch\*M\*N\), got 3/.test(err.message));
    assert.throws(() => call(native, "attentionForward", f32(8), f32(3), f32(8), f32(8), f32(8), null, null, 1, 2, 2, 2, 2, 0.5),
      (err: unknown) => err instanceof RangeError && /'probs'.*B\*NH\*Tq\*Tk/.test(err.message));
    assert.throws(() => call(native, "softmaxForward", f32(4), f32(4), 2.5, 2), (err: unknown) => err instanceof RangeError && /'N' to be an integer/.test(err.message));
    assert.throws(() => call(native, "softmaxForward", f32(4), f32(4), -1, 2), (err: unknown) => err instanceof RangeError && /'N'/.test(err.message));
    assert.throws(() => call(native, "geluForward", f32(2), f32(2), 2, "fast"), (err: unknown) => err instanceof RangeError && /"tanh" or "erf", got "fast"/.test(err.message));
    assert.throws(() => call(native, "addForward", f32(4), f32(4), f32(1), Int32Array.of(4), Int32Array.of(1), Int32Array.of(1)),
      (err: unknown) => err instanceof RangeError && /'b'/.test(err.message));
    assert.throws(() => call(native, "copyRows", f32(10), f32(10), 2, 3, 8, 0, 3, 0, false),
      (err: unknown) => err instanceof RangeError && /'dst'/.test(err.message));
  });

  it("throws RangeError for an index or target out of range, and accepts the ignore index", (t) => {
    const native = nativeOrSkip(t);
    if (!native) return;
    assert.throws(() => native.gatherRowsForward(f32(4), f32(6), Int32Array.of(0, 3), 2, 2),
      (err: unknown) => err instanceof RangeError && /index\[1\] in \[0, 3\).*got 3/.test(err.message));
    assert.throws(() => native.gatherRowsBackward(f32(6), f32(4), Int32Array.of(-1, 0), 2, 2),
      (err: unknown) => err instanceof RangeError && /index\[0\]/.test(err.message));
    assert.throws(() => native.crossEntropyForward(f32(1), f32(6), f32(6), Int32Array.of(0, 3), 2, 3, -100, 2),
      (err: unknown) => err instanceof RangeError && /targets\[1\] in \[0, 3\)/.test(err.message));
    const loss = f32(1);
    native.crossEntropyForward(loss, f32(6), f32(6), Int32Array.of(-100, 2), 2, 3, -100, 1);
    assert.ok(Math.abs(loss[0] - Math.log(3)) < 1e-6, `loss ${loss[0]}`);
  });
});
