// Native kernels against the reference kernels, every Backend method, on seeded random inputs: odd sizes,
// batched and broadcast cases, transposes, null and non-null gradients and masks. Rule per element:
// |native - ref| <= atol + rtol*|ref|, tolerances per kernel. Every buffer of a call is compared afterwards
// (outputs, and inputs too, which must come back untouched), except declared workspace.
// Backward kernels start from random gradient buffers, so they are checked as accumulating (+=).
//
// Without a built addon these tests skip loudly (a console line and a skip reason on every test); set
// ADAPTERKIT_REQUIRE_NATIVE=1 (CI with OpenBLAS installed) to make a missing addon a failure instead.
import { describe, it } from "node:test";
import { refBackend, type Backend } from "../../src/kernels/index.js";
import { NATIVE_MISSING, nativeOrSkip } from "../helpers/backend.js";
import { assertClose } from "../helpers/close.js";
import { makeRng, type TestRng } from "../helpers/random.js";

if (NATIVE_MISSING) {
  console.log(`# parity: ${process.env.ADAPTERKIT_REQUIRE_NATIVE === "1" ? "FAILING" : "SKIPPING"} every native parity test: ${NATIVE_MISSING}`);
}

type Buffer = Float32Array | Int32Array | null;
type Buffers = Record<string, Buffer>;
interface Tolerance {
  atol: number;
  rtol?: number; // default 1e-5
}

/** A buffer's seed from the test name, so each case draws its own repeatable stream. */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function cloneBuffers<B extends Buffers>(bufs: B): B {
  return Object.fromEntries(Object.entries(bufs).map(([k, v]) => [k, v ? v.slice() : null])) as B;
}

/**
 * Registers one parity test: make() builds the buffers once, run() is called on a copy for each backend,
 * then every buffer not listed in `workspace` is compared.
 */
function parity<B extends Buffers>(
  name: string, make: (rng: TestRng) => B, run: (backend: Backend, b: B) => void, tol: Tolerance, workspace: string[] = [],
): void {
  it(name, (t) => {
    const nat = nativeOrSkip(t);
    if (!nat) return;
    const inputs = make(makeRng(seedOf(name)));
    const want = cloneBuffers(inputs);
    const got = cloneBuffers(inputs);
    run(refBackend, want);
    run(nat, got);
    for (const key of Object.keys(inputs)) {
      const g = got[key];
      const w = want[key];
      if (workspace.includes(key) || g === null || w === null) continue;
      assertClose(g, w, { rtol: tol.rtol ?? 1e-5, atol: tol.atol, name: `${name}: ${key}` });
    }
  });
}

const f32 = (rng: TestRng, n: number, lo = -1, hi = 1): Float32Array => rng.fill(new Float32Array(n), lo, hi);
/** Contiguous strides of `inShape` over `outShape` (same rank), 0 where inShape broadcasts a size-1 dim. */
function broadcastStrides(outShape: number[], inShape: number[]): Int32Array {
  const strides = new Int32Array(outShape.length);
  let s = 1;
  for (let d = outShape.length - 1; d >= 0; d--) {
    strides[d] = inShape[d] === 1 && outShape[d] !== 1 ? 0 : s;
    s *= inShape[d];
  }
  return strides;
}
const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);
const on = (flag: boolean, text: string): string => (flag ? ` ${text}` : "");

describe("parity native vs ref: matmul and bias", () => {
  const shapes: Array<[number, number, number, number]> = [[1, 1, 1, 1], [1, 3, 17, 129], [1, 129, 3, 17], [3, 17, 5, 129], [2, 33, 129, 3]];
  for (const [batch, M, N, K] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const bShared of [false, true]) {
          for (const beta of [0, 1]) {
            const name = `matmul batch=${batch} M=${M} N=${N} K=${K}${on(transA, "transA")}${on(transB, "transB")}${on(bShared, "bShared")} beta=${beta}`;
            parity(name, (rng) => ({
              // beta 0 must overwrite: start from NaN so a read of the old out would show
              out: beta === 0 ? new Float32Array(batch * M * N).fill(NaN) : f32(rng, batch * M * N),
              a: f32(rng, batch * M * K),
              b: f32(rng, (bShared ? 1 : batch) * K * N),
            }), (be, x) => be.matmul(x.out, x.a, x.b, batch, M, N, K, transA, transB, beta, bShared), { atol: 1e-5 });
          }
        }
      }
    }
  }
  for (const [N, C] of [[1, 1], [3, 17], [129, 3], [17, 300]]) {
    parity(`biasAddForward N=${N} C=${C}`, (rng) => ({ out: f32(rng, N * C), bias: f32(rng, C) }),
      (be, x) => be.biasAddForward(x.out, x.bias, N, C), { atol: 1e-6 });
    parity(`biasAddBackward N=${N} C=${C}`, (rng) => ({ dBias: f32(rng, C), dOut: f32(rng, N * C) }),
      (be, x) => be.biasAddBackward(x.dBias, x.dOut, N, C), { atol: 1e-5 });
  }
});

describe("parity native vs ref: elementwise", () => {
  // [out shape, a shape, b shape], a and b with the output's rank and 1 on broadcast dims
  const patterns: Array<[number[], number[], number[]]> = [
    [[], [], []],
    [[1], [1], [1]],
    [[129], [129], [129]],
    [[3, 17, 5], [3, 17, 5], [3, 17, 5]],
    [[17, 129], [17, 129], [1, 129]],
    [[17, 129], [17, 1], [17, 129]],
    [[3, 17, 5], [3, 1, 5], [1, 17, 5]],
    [[129, 3], [129, 1], [1, 3]],
    [[2, 3, 17], [2, 3, 17], [1, 1, 1]],
    [[2, 1, 3, 4, 5], [2, 1, 1, 4, 5], [1, 1, 3, 1, 5]],
  ];
  for (const [outShape, aShape, bShape] of patterns) {
    const shape = Int32Array.from(outShape);
    const aStrides = broadcastStrides(outShape, aShape);
    const bStrides = broadcastStrides(outShape, bShape);
    const tag = `out [${outShape}] a [${aShape}] b [${bShape}]`;
    const n = size(outShape);
    for (const op of ["add", "mul"] as const) {
      parity(`${op}Forward ${tag}`, (rng) => ({ out: f32(rng, n), a: f32(rng, size(aShape)), b: f32(rng, size(bShape)) }),
        (be, x) => (op === "add" ? be.addForward : be.mulForward)(x.out, x.a, x.b, shape, aStrides, bStrides), { atol: 1e-6 });
      for (const [withA, withB] of [[true, true], [true, false], [false, true]]) {
        const grads = `${withA ? "dA" : "dA=null"} ${withB ? "dB" : "dB=null"}`;
        const make = (rng: TestRng) => ({
          dA: withA ? f32(rng, size(aShape)) : null, dB: withB ? f32(rng, size(bShape)) : null, dOut: f32(rng, n),
          a: f32(rng, size(aShape)), b: f32(rng, size(bShape)),
        });
        if (op === "add") {
          parity(`addBackward ${tag} ${grads}`, make, (be, x) => be.addBackward(x.dA, x.dB, x.dOut, shape, aStrides, bStrides), { atol: 1e-5 });
        } else {
          parity(`mulBackward ${tag} ${grads}`, make, (be, x) => be.mulBackward(x.dA, x.dB, x.dOut, x.a, x.b, shape, aStrides, bStrides), { atol: 1e-5 });
        }
      }
    }
  }
  for (const n of [1, 17, 129, 1000]) {
    for (const s of [0.125, -1.7, 0.1]) {
      parity(`scaleForward n=${n} s=${s}`, (rng) => ({ out: f32(rng, n), inp: f32(rng, n) }), (be, x) => be.scaleForward(x.out, x.inp, s, n), { atol: 1e-7 });
      parity(`scaleBackward n=${n} s=${s}`, (rng) => ({ dInp: f32(rng, n), dOut: f32(rng, n) }), (be, x) => be.scaleBackward(x.dInp, x.dOut, s, n), { atol: 1e-7 });
    }
  }
});

describe("parity native vs ref: activations", () => {
  for (const n of [1, 3, 17, 129, 4099]) {
    // [-8, 8] reaches both GELU tails; index 0 is exactly 0
    const inp = (rng: TestRng): Float32Array => { const x = f32(rng, n, -8, 8); x[0] = 0; return x; };
    for (const approximation of ["tanh", "erf"] as const) {
      parity(`geluForward ${approximation} n=${n}`, (rng) => ({ out: f32(rng, n), inp: inp(rng) }),
        (be, x) => be.geluForward(x.out, x.inp, n, approximation), { atol: 1e-6 });
      parity(`geluBackward ${approximation} n=${n}`, (rng) => ({ dInp: f32(rng, n), dOut: f32(rng, n), inp: inp(rng) }),
        (be, x) => be.geluBackward(x.dInp, x.dOut, x.inp, n, approximation), { atol: 1e-6 });
    }
    parity(`tanhForward n=${n}`, (rng) => ({ out: f32(rng, n), inp: inp(rng) }), (be, x) => be.tanhForward(x.out, x.inp, n), { atol: 1e-6 });
    parity(`tanhBackward n=${n}`, (rng) => ({ dInp: f32(rng, n), dOut: f32(rng, n), out: f32(rng, n) }),
      (be, x) => be.tanhBackward(x.dInp, x.dOut, x.out, n), { atol: 1e-6 });
    parity(`reluForward n=${n}`, (rng) => ({ out: f32(rng, n), inp: inp(rng) }), (be, x) => be.reluForward(x.out, x.inp, n), { atol: 0, rtol: 0 });
    parity(`reluBackward n=${n}`, (rng) => ({ dInp: f32(rng, n), dOut: f32(rng, n), inp: inp(rng) }),
      (be, x) => be.reluBackward(x.dInp, x.dOut, x.inp, n), { atol: 0, rtol: 0 });
  }
});

describe("parity native vs ref: softmax and layernorm", () => {
  for (const [N, C] of [[1, 1], [3, 17], [17, 129], [5, 1000]]) {
    parity(`softmaxForward N=${N} C=${C}`, (rng) => ({ out: f32(rng, N * C), inp: f32(rng, N * C, -10, 10) }),
      (be, x) => be.softmaxForward(x.out, x.inp, N, C), { atol: 1e-6 });
    parity(`softmaxBackward N=${N} C=${C}`, (rng) => {
      const out = new Float32Array(N * C);
      refBackend.softmaxForward(out, f32(rng, N * C, -5, 5), N, C);
      return { dInp: f32(rng, N * C), dOut: f32(rng, N * C), out };
    }, (be, x) => be.softmaxBackward(x.dInp, x.dOut, x.out, N, C), { atol: 1e-6 });
  }
  for (const [N, C] of [[1, 1], [3, 17], [17, 129], [4, 768], [2, 300]]) {
    for (const eps of [1e-5, 1e-12]) {
      // rows centred away from 0 (mean ~3) so the mean subtraction matters
      parity(`layernormForward N=${N} C=${C} eps=${eps}`, (rng) => ({
        out: f32(rng, N * C), mean: f32(rng, N), rstd: f32(rng, N),
        inp: f32(rng, N * C, 2, 4), weight: f32(rng, C, 0.5, 1.5), bias: f32(rng, C),
      }), (be, x) => be.layernormForward(x.out, x.mean, x.rstd, x.inp, x.weight, x.bias, N, C, eps), { atol: 1e-5 });
    }
    for (const [withInp, withParams] of [[true, true], [true, false], [false, true]]) {
      const grads = `${withInp ? "dInp" : "dInp=null"} ${withParams ? "dWeight dBias" : "dWeight=null dBias=null"}`;
      parity(`layernormBackward N=${N} C=${C} ${grads}`, (rng) => {
        const inp = f32(rng, N * C, 2, 4);
        const weight = f32(rng, C, 0.5, 1.5);
        const mean = new Float32Array(N);
        const rstd = new Float32Array(N);
        refBackend.layernormForward(new Float32Array(N * C), mean, rstd, inp, weight, f32(rng, C), N, C, 1e-5);
        return {
          dInp: withInp ? f32(rng, N * C) : null, dWeight: withParams ? f32(rng, C) : null, dBias: withParams ? f32(rng, C) : null,
          dOut: f32(rng, N * C), inp, weight, mean, rstd,
        };
      }, (be, x) => be.layernormBackward(x.dInp, x.dWeight, x.dBias, x.dOut, x.inp, x.weight, x.mean, x.rstd, N, C), { atol: 2e-5 });
    }
  }
});

describe("parity native vs ref: attention", () => {
  // [B, Tq, Tk, NH, HS]: single element, self- and cross-attention, odd sizes, Tk past the 8192-float
  // block the native forward uses for dropout
  const configs: Array<[number, number, number, number, number]> = [
    [1, 1, 1, 1, 1], [2, 3, 5, 2, 4], [1, 17, 17, 3, 8], [2, 7, 129, 2, 16], [1, 129, 3, 1, 5], [1, 3, 9000, 1, 2],
  ];
  for (const [B, Tq, Tk, NH, HS] of configs) {
    const H = NH * HS;
    const scale = 1 / Math.sqrt(HS);
    const dims = `B=${B} Tq=${Tq} Tk=${Tk} NH=${NH} HS=${HS}`;
    // additive mask: key 0 always kept; others kept, -1e4 or -Infinity
    const mask = (rng: TestRng): Float32Array => {
      const m = new Float32Array(B * Tk);
      for (let i = 0; i < m.length; i++) {
        const r = rng.uniform();
        m[i] = i % Tk === 0 || r < 0.6 ? 0 : r < 0.8 ? -1e4 : -Infinity;
      }
      return m;
    };
    // dropout p = 0.1: 0 or 1/(1-p)
    const dropMask = (rng: TestRng): Float32Array => {
      const d = new Float32Array(B * NH * Tq * Tk);
      for (let i = 0; i < d.length; i++) d[i] = rng.uniform() < 0.1 ? 0 : 1 / 0.9;
      return d;
    };
    for (const withMask of [false, true]) {
      for (const withDrop of [false, true]) {
        const variant = `${withMask ? "mask" : "mask=null"} ${withDrop ? "dropMask" : "dropMask=null"}`;
        parity(`attentionForward ${dims} ${variant}`, (rng) => ({
          out: f32(rng, B * Tq * H), probs: f32(rng, B * NH * Tq * Tk),
          q: f32(rng, B * Tq * H), k: f32(rng, B * Tk * H), v: f32(rng, B * Tk * H),
          mask: withMask ? mask(rng) : null, dropMask: withDrop ? dropMask(rng) : null,
        }), (be, x) => be.attentionForward(x.out, x.probs, x.q, x.k, x.v, x.mask, x.dropMask, B, Tq, Tk, NH, HS, scale), { atol: 1e-5 });

        const gradSets: Array<[boolean, boolean, boolean]> = withMask ? [[true, true, true], [false, true, true], [true, false, false], [false, false, true]] : [[true, true, true]];
        for (const [wq, wk, wv] of gradSets) {
          const grads = `${wq ? "dQ" : "dQ=null"} ${wk ? "dK" : "dK=null"} ${wv ? "dV" : "dV=null"}`;
          parity(`attentionBackward ${dims} ${variant} ${grads}`, (rng) => {
            const q = f32(rng, B * Tq * H);
            const k = f32(rng, B * Tk * H);
            const v = f32(rng, B * Tk * H);
            const m = withMask ? mask(rng) : null;
            const d = withDrop ? dropMask(rng) : null;
            const probs = new Float32Array(B * NH * Tq * Tk);
            refBackend.attentionForward(new Float32Array(B * Tq * H), probs, q, k, v, m, d, B, Tq, Tk, NH, HS, scale);
            return {
              dQ: wq ? f32(rng, B * Tq * H) : null, dK: wk ? f32(rng, B * Tk * H) : null, dV: wv ? f32(rng, B * Tk * H) : null,
              scratch: f32(rng, Tq * Tk), dOut: f32(rng, B * Tq * H), probs, q, k, v, dropMask: d,
            };
          }, (be, x) => be.attentionBackward(x.dQ, x.dK, x.dV, x.scratch, x.dOut, x.probs, x.q, x.k, x.v, x.dropMask, B, Tq, Tk, NH, HS, scale),
          { atol: 1e-5 }, ["scratch"]);
        }
      }
    }
  }
});

describe("parity native vs ref: indexing and copies", () => {
  const V = 50;
  for (const [N, C] of [[1, 1], [17, 3], [129, 17], [3, 129]]) {
    // N > V forces repeated indices, which the backward must accumulate
    const index = (rng: TestRng): Int32Array => rng.fill(new Int32Array(N), 0, V);
    parity(`gatherRowsForward N=${N} C=${C} V=${V}`, (rng) => ({ out: f32(rng, N * C), table: f32(rng, V * C), index: index(rng) }),
      (be, x) => be.gatherRowsForward(x.out, x.table, x.index, N, C), { atol: 0, rtol: 0 });
    parity(`gatherRowsBackward N=${N} C=${C} V=${V}`, (rng) => ({ dTable: f32(rng, V * C), dOut: f32(rng, N * C), index: index(rng) }),
      (be, x) => be.gatherRowsBackward(x.dTable, x.dOut, x.index, N, C), { atol: 1e-6 });
  }
  // [rows, width, dstStride, dstOffset, srcStride, srcOffset]: concat into a wider dst, slice out of a wider src
  const copies: Array<[number, number, number, number, number, number]> = [
    [1, 1, 1, 0, 1, 0], [17, 3, 8, 5, 3, 0], [3, 129, 129, 0, 300, 171], [129, 17, 20, 3, 40, 23], [5, 7, 7, 0, 7, 0],
  ];
  for (const [rows, width, dstStride, dstOffset, srcStride, srcOffset] of copies) {
    for (const accumulate of [false, true]) {
      const dstLen = dstOffset + (rows - 1) * dstStride + width + 2;
      const srcLen = srcOffset + (rows - 1) * srcStride + width + 2;
      parity(`copyRows rows=${rows} width=${width} dst ${dstStride}@${dstOffset} src ${srcStride}@${srcOffset}${on(accumulate, "accumulate")}`,
        (rng) => ({ dst: f32(rng, dstLen), src: f32(rng, srcLen) }),
        (be, x) => be.copyRows(x.dst, x.src, rows, width, dstStride, dstOffset, srcStride, srcOffset, accumulate), { atol: 1e-7 });
    }
  }
});

describe("parity native vs ref: reductions", () => {
  for (const [outer, L, inner] of [[1, 1, 1], [3, 17, 1], [1, 129, 3], [5, 3, 300], [2, 129, 17]]) {
    for (const scale of [1, 1 / L]) {
      const dims = `outer=${outer} L=${L} inner=${inner} scale=${scale.toPrecision(3)}`;
      parity(`sumAxisForward ${dims}`, (rng) => ({ out: f32(rng, outer * inner), inp: f32(rng, outer * L * inner) }),
        (be, x) => be.sumAxisForward(x.out, x.inp, outer, L, inner, scale), { atol: 1e-6 });
      parity(`sumAxisBackward ${dims}`, (rng) => ({ dInp: f32(rng, outer * L * inner), dOut: f32(rng, outer * inner) }),
        (be, x) => be.sumAxisBackward(x.dInp, x.dOut, outer, L, inner, scale), { atol: 1e-7 });
    }
  }
});

describe("parity native vs ref: losses", () => {
  const IGNORE = -100;
  for (const [N, C] of [[1, 1], [3, 17], [17, 129], [4, 1000]]) {
    for (const ignoreSome of [false, true]) {
      // ignoreSome: every third row ignored; with N=1 that is every row (count 0, loss 0, no gradient)
      const targets = (rng: TestRng): Int32Array => {
        const t = rng.fill(new Int32Array(N), 0, C);
        if (ignoreSome) for (let i = 0; i < N; i += 3) t[i] = IGNORE;
        return t;
      };
      const countOf = (t: Int32Array): number => t.filter((x) => x !== IGNORE).length;
      const tag = `N=${N} C=${C}${on(ignoreSome, "with ignored rows")}`;
      parity(`crossEntropyForward ${tag}`, (rng) => ({ loss: f32(rng, 1), probs: f32(rng, N * C), logits: f32(rng, N * C, -8, 8), targets: targets(rng) }),
        (be, x) => be.crossEntropyForward(x.loss, x.probs, x.logits, x.targets, N, C, IGNORE, countOf(x.targets)), { atol: 1e-6 });
      parity(`crossEntropyBackward ${tag}`, (rng) => {
        const probs = new Float32Array(N * C);
        const t = targets(rng);
        refBackend.crossEntropyForward(new Float32Array(1), probs, f32(rng, N * C, -8, 8), t, N, C, IGNORE, countOf(t));
        return { dLogits: f32(rng, N * C), probs, targets: t };
      }, (be, x) => be.crossEntropyBackward(x.dLogits, x.probs, x.targets, 0.37, N, C, IGNORE, countOf(x.targets)), { atol: 1e-6 });
    }
  }
  for (const n of [1, 17, 129, 1000]) {
    // targets: soft labels in [0,1], with exact 0 and 1 at the ends
    const targets = (rng: TestRng): Float32Array => { const y = f32(rng, n, 0, 1); y[0] = 1; if (n > 1) y[n - 1] = 0; return y; };
    parity(`bceWithLogitsForward n=${n}`, (rng) => ({ loss: f32(rng, 1), logits: f32(rng, n, -20, 20), targets: targets(rng) }),
      (be, x) => be.bceWithLogitsForward(x.loss, x.logits, x.targets, n), { atol: 1e-6 });
    parity(`bceWithLogitsBackward n=${n}`, (rng) => ({ dLogits: f32(rng, n), logits: f32(rng, n, -20, 20), targets: targets(rng) }),
      (be, x) => be.bceWithLogitsBackward(x.dLogits, x.logits, x.targets, 1.3, n), { atol: 1e-7 });
    parity(`mseForward n=${n}`, (rng) => ({ loss: f32(rng, 1), pred: f32(rng, n, -3, 3), target: f32(rng, n, -3, 3) }),
      (be, x) => be.mseForward(x.loss, x.pred, x.target, n), { atol: 1e-6 });
    parity(`mseBackward n=${n}`, (rng) => ({ dPred: f32(rng, n), pred: f32(rng, n, -3, 3), target: f32(rng, n, -3, 3) }),
      (be, x) => be.mseBackward(x.dPred, x.pred, x.target, 0.7, n), { atol: 1e-7 });
  }
});

describe("parity native vs ref: optimizer", () => {
  for (const n of [1, 17, 1000]) {
    for (const biasCorrection of [false, true]) {
      for (const withGrad of [true, false]) {
        const tag = `n=${n}${on(biasCorrection, "bias-corrected")}${on(!withGrad, "no gradient")}`;
        parity(`adamStep ${tag}`, (rng) => ({
          param: f32(rng, n), m: f32(rng, n, -0.1, 0.1), v: f32(rng, n, 0, 0.01), grad: withGrad ? f32(rng, n) : null,
        }), (be, x) => be.adamStep(x.param, x.m, x.v, x.grad, n, 1e-3, 0.9, 0.999, 1e-6, 0.01, 3, biasCorrection), { atol: 1e-7 });
      }
    }
  }
});

describe("parity native vs ref: dropout masks", () => {
  for (const [n, p] of [[1, 0.1], [1000, 0.1], [4097, 0.5], [100, 0]] as const) {
    // identical masks, not just close ones: both backends hash (seed, i) the same way
    parity(`dropoutMask n=${n} p=${p}`, (rng) => ({ mask: f32(rng, n) }), (be, x) => be.dropoutMask(x.mask, n, p, 0xdeadbeef), { atol: 0, rtol: 0 });
  }
});
