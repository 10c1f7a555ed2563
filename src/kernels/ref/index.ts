// The reference backend: naive, readable TypeScript that defines the maths of every kernel.
import type { Backend } from "../interface.js";
import { erf, geluBackward, geluForward, reluBackward, reluForward, tanhBackward, tanhForward } from "./activations.js";
import { attentionBackward, attentionForward } from "./attention.js";
import { addBackward, addForward, mulBackward, mulForward, scaleBackward, scaleForward } from "./elementwise.js";
import { dropoutMask } from "./dropout-mask.js";
import { copyRows, gatherRowsBackward, gatherRowsForward } from "./indexing.js";
import { layernormBackward, layernormForward } from "./layernorm.js";
import { allocate, discard, linearKernel, linearPacked, linearPackedTransposed, packedLinearBytes, packLinear } from "./linear-packed.js";
import {
  bceWithLogitsBackward, bceWithLogitsForward, crossEntropyBackward, crossEntropyForward, mseBackward, mseForward,
} from "./losses.js";
import { biasAddBackward, biasAddForward, matmul } from "./matmul.js";
import { adamStep } from "./optimizer.js";
import { sumAxisBackward, sumAxisForward } from "./reductions.js";
import { softmaxBackward, softmaxForward } from "./softmax.js";

export { erf };

export const refBackend: Backend = Object.freeze({
  name: "ref",
  matmul, biasAddForward, biasAddBackward,
  allocate, discard, packedLinearBytes, packLinear, linearPacked, linearPackedTransposed, linearKernel,
  addForward, addBackward, mulForward, mulBackward, scaleForward, scaleBackward,
  geluForward, geluBackward, tanhForward, tanhBackward, reluForward, reluBackward,
  softmaxForward, softmaxBackward, layernormForward, layernormBackward,
  attentionForward, attentionBackward,
  gatherRowsForward, gatherRowsBackward, copyRows,
  sumAxisForward, sumAxisBackward,
  crossEntropyForward, crossEntropyBackward, bceWithLogitsForward, bceWithLogitsBackward, mseForward, mseBackward,
  dropoutMask, adamStep,
});
