// Sum (and, with a scale, mean) over one axis of inp viewed as (outer, L, inner).
import type { FloatArray } from "../interface.js";

export function sumAxisForward(out: FloatArray, inp: FloatArray, outer: number, L: number, inner: number, scale: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let l = 0; l < L; l++) acc += inp[(o * L + l) * inner + i];
      out[o * inner + i] = scale * acc;
    }
  }
}

export function sumAxisBackward(dInp: FloatArray, dOut: FloatArray, outer: number, L: number, inner: number, scale: number): void {
  for (let o = 0; o < outer; o++) {
    for (let l = 0; l < L; l++) {
      for (let i = 0; i < inner; i++) dInp[(o * L + l) * inner + i] += scale * dOut[o * inner + i];
    }
  }
}
