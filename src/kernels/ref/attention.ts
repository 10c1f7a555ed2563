// Fused scaled dot-product attention reading heads in place from the projection layout (B,T,NH*HS).
import type { FloatArray } from "../interface.js";

// q (B,Tq,NH*HS), k/v (B,Tk,NH*HS), mask (B,Tk) additive or null, dropMask (B,NH,Tq,Tk) or null
//   -> probs (B,NH,Tq,Tk) = softmax(scale·q·kᵀ + mask), out (B,Tq,NH*HS) = (probs ∘ dropMask)·v
export function attentionForward(
  out: FloatArray, probs: FloatArray,
  q: FloatArray, k: FloatArray, v: FloatArray, mask: FloatArray | null, dropMask: FloatArray | null,
  B: number, Tq: number, Tk: number, NH: number, HS: number, scale: number,
): void {
  const H = NH * HS;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let i = 0; i < Tq; i++) {
        const pRow = ((b * NH + h) * Tq + i) * Tk;
        const qRow = (b * Tq + i) * H + h * HS;
        let max = -Infinity;
        for (let j = 0; j < Tk; j++) {
          const kRow = (b * Tk + j) * H + h * HS;
          let dot = 0;
          for (let d = 0; d < HS; d++) dot += q[qRow + d] * k[kRow + d];
          const score = dot * scale + (mask ? mask[b * Tk + j] : 0);
          probs[pRow + j] = score;
          max = Math.max(max, score);
        }
        let sum = 0;
        for (let j = 0; j < Tk; j++) {
          const e = Math.exp(probs[pRow + j] - max); // max-subtraction keeps exp finite
          probs[pRow + j] = e;
          sum += e;
        }
        for (let j = 0; j < Tk; j++) probs[pRow + j] /= sum;
        const oRow = (b * Tq + i) * H + h * HS;
        for (let d = 0; d < HS; d++) {
          let acc = 0;
          for (let j = 0; j < Tk; j++) {
            const p = dropMask ? probs[pRow + j] * dropMask[pRow + j] : probs[pRow + j];
            acc += p * v[(b * Tk + j) * H + h * HS + d];
          }
          out[oRow + d] = acc;
        }
      }
    }
  }
}

// dV += (P∘drop)ᵀ·dO;  dP = (dO·vᵀ)∘drop;  dS = P∘(dP - rowsum(dP∘P));  dQ += scale·dS·k;  dK += scale·dSᵀ·q
export function attentionBackward(
  dQ: FloatArray | null, dK: FloatArray | null, dV: FloatArray | null, scratch: FloatArray,
  dOut: FloatArray, probs: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray, dropMask: FloatArray | null,
  B: number, Tq: number, Tk: number, NH: number, HS: number, scale: number,
): void {
  const H = NH * HS;
  const dS = scratch; // (Tq,Tk) for the current (b,h)
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const pBase = (b * NH + h) * Tq * Tk;
      for (let i = 0; i < Tq; i++) {
        const oRow = (b * Tq + i) * H + h * HS;
        for (let j = 0; j < Tk; j++) {
          const vRow = (b * Tk + j) * H + h * HS;
          const pij = probs[pBase + i * Tk + j];
          const drop = dropMask ? dropMask[pBase + i * Tk + j] : 1;
          let dp = 0;
          for (let d = 0; d < HS; d++) {
            dp += dOut[oRow + d] * v[vRow + d];
            if (dV) dV[vRow + d] += pij * drop * dOut[oRow + d];
          }
          dS[i * Tk + j] = dp * drop;
        }
        let dot = 0;
        for (let j = 0; j < Tk; j++) dot += dS[i * Tk + j] * probs[pBase + i * Tk + j];
        for (let j = 0; j < Tk; j++) dS[i * Tk + j] = probs[pBase + i * Tk + j] * (dS[i * Tk + j] - dot);
      }
      for (let i = 0; i < Tq; i++) {
        const qRow = (b * Tq + i) * H + h * HS;
        for (let j = 0; j < Tk; j++) {
          const kRow = (b * Tk + j) * H + h * HS;
          const g = scale * dS[i * Tk + j];
          for (let d = 0; d < HS; d++) {
            if (dQ) dQ[qRow + d] += g * k[kRow + d];
            if (dK) dK[kRow + d] += g * q[qRow + d];
          }
        }
      }
    }
  }
}
