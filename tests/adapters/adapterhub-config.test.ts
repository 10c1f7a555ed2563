// AdapterHub's configs as AdapterKit reads them: presets, BnConfig defaults, the reduction factor's Python
// arithmetic, head shapes, and a precise error for every option AdapterKit does not compute.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Adapter, bottleneckConfig, parseAdapterHubConfig } from "../../src/adapters/index.js";
import { pyFloorDiv, reductionFactorFor } from "../../src/adapters/bottleneck-config.js";
import { ConfigError, FormatError } from "../../src/errors.js";
import { headConfig, parseHeadHubConfig, toHubHeadName } from "../../src/heads/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { Rng } from "../../src/rng.js";
import { tinyBase } from "./helpers.js";

const FILE = "hub/adapter_config.json";
const parse = (config: unknown, hidden = 768) => parseAdapterHubConfig({ config, hidden_size: hidden, model_type: "bert", name: "x" }, FILE).config;
const SEQ = { mh_adapter: false, output_adapter: true, reduction_factor: 16, non_linearity: "relu", original_ln_before: true };

function refuses(config: unknown, pattern: RegExp): void {
  assert.throws(
    () => parse(config),
    (err: unknown) => (err instanceof ConfigError || err instanceof FormatError) && pattern.test(err.message) && err.message.includes(FILE),
    String(pattern),
  );
}

describe("AdapterHub adapter configs", () => {
  it("floor-divides as Python does (int(hidden // reduction_factor)), and writes factors that divide back to m", () => {
    assert.deepEqual([pyFloorDiv(768, 7.68), pyFloorDiv(10, 0.1), pyFloorDiv(1, 0.1), pyFloorDiv(64, 7.68), pyFloorDiv(768, 12)], [100, 99, 9, 8, 64]);
    for (let m = 1; m <= 768; m++) assert.equal(pyFloorDiv(768, reductionFactorFor(768, m)), m, `m = ${m}`);
  });

  it("reads preset names and dicts with BnConfig's defaults for absent fields", () => {
    const seq = parse("seq_bn");
    assert.equal(seq.preset, "seq_bn");
    assert.deepEqual([seq.bottleneckSize, seq.originalLnBefore, seq.afterAttention, seq.activation, seq.init], [48, true, false, "relu", "bert"]);
    assert.deepEqual(parse("pfeiffer"), seq);
    const dbl = parse("double_seq_bn");
    assert.deepEqual([dbl.preset, dbl.bottleneckSize, dbl.originalLnBefore, dbl.afterAttention, dbl.activation], ["double_seq_bn", 48, false, true, "swish"]);
    assert.deepEqual(parse("houlsby"), dbl);
    // a minimal dict: everything else at BnConfig's defaults
    const min = parse({ mh_adapter: true, output_adapter: false, reduction_factor: 12, non_linearity: "gelu_new" });
    assert.deepEqual([min.preset, min.bottleneckSize, min.activation, min.residualBeforeLn, min.originalLnAfter, min.scaling], ["custom", 64, "gelu_tanh", true, true, 1]);
    const mapped = parse({ ...SEQ, reduction_factor: { "0": 8, "3": 64, default: 16 } });
    assert.deepEqual([mapped.bottleneckSize, mapped.layerSizes], [48, { "0": 96, "3": 12 }]);
    assert.equal(parse({ ...SEQ, non_linearity: "SiLU", scaling: "channel", residual_before_ln: "post_add" }).activation, "swish");
  });

  it("refuses what it does not compute, naming the option and the file", () => {
    refuses("par_bn", /unsupported adapter config "par_bn"/);
    refuses({ ...SEQ, is_parallel: true }, /is_parallel = true/);
    refuses({ ...SEQ, use_gating: true }, /use_gating = true/);
    refuses({ ...SEQ, phm_layer: true }, /phm_layer = true/);
    refuses({ ...SEQ, inv_adapter: "nice" }, /inv_adapter = "nice"/);
    refuses({ ...SEQ, invertible_adapter: { block_type: "nice" } }, /invertible_adapter/);
    refuses({ ...SEQ, stochastic_depth: 0.1 }, /stochastic_depth = 0.1/);
    refuses({ ...SEQ, architecture: "lora" }, /architecture "lora"/);
    refuses({ ...SEQ, non_linearity: "leakyrelu" }, /non_linearity "leakyrelu"/);
    refuses({ ...SEQ, colour: "red" }, /unknown adapter option "colour"/);
    refuses({ mh_adapter: false, output_adapter: true, non_linearity: "relu" }, /"reduction_factor"/);
    refuses({ ...SEQ, reduction_factor: { "1": 8 } }, /"default" entry/);
    refuses({ ...SEQ, reduction_factor: { first: 8, default: 16 } }, /"first"/);
    refuses({ ...SEQ, original_ln_before: false, residual_before_ln: "post_add" }, /post_add" needs original_ln_before/);
    refuses({ ...SEQ, scaling: "per-token" }, /scaling "per-token"/);
    refuses({ ...SEQ, init_weights: "xavier" }, /init_weights "xavier"/);
    refuses({ ...SEQ, ln_after: "yes" }, /"ln_after"/);
  });

  it("builds AdapterKit's presets and AdapterHub's at a model's width", () => {
    const seq = bottleneckConfig("seq_bn", {}, 768, 12);
    assert.deepEqual([seq.preset, seq.bottleneckSize, seq.reductionFactor, seq.originalLnBefore], ["seq_bn", 48, 16, true]);
    assert.equal(bottleneckConfig("double_seq_bn", { bottleneckSize: 64 }, 768, 12).preset, "custom");
    assert.equal(bottleneckConfig("houlsby", { bottleneckSize: 13 }, 768, 12).reductionFactor, reductionFactorFor(768, 13));
    assert.throws(() => bottleneckConfig("seq_bn", { initScale: 0.1 }, 768, 12), /initScale applies to adapter-bert's init/);
  });

  it("draws new weights with AdapterHub's init_weights", () => {
    const { e, base } = tinyBase(refBackend);
    const head = headConfig("classification", ["a", "b"]);
    const make = (config: ReturnType<typeof parse>) => new Adapter(e, "x", base, { bottleneck: config, layerNorms: false, head }, { bottleneck: new Rng(1), head: new Rng(2) });
    const at = (a: Adapter) => {
      const b = a.bottleneck?.at(0, "afterFfn");
      if (!b) throw new Error("no adapter at layer 0");
      return b;
    };
    const mam = at(make(parseAdapterHubConfig({ config: { ...SEQ, init_weights: "mam_adapter" }, hidden_size: 16 }, FILE).config));
    assert.ok(mam.up.weight.data.every((v) => v === 0) && mam.down.bias?.data.every((v) => v === 0) && mam.up.bias?.data.every((v) => v === 0));
    assert.ok(mam.down.weight.data.every((v) => Math.abs(v) <= 1 / Math.sqrt(16)) && mam.down.weight.data.some((v) => v !== 0));
    const houlsby = at(make(parseAdapterHubConfig({ config: { ...SEQ, init_weights: "houlsby" }, hidden_size: 16 }, FILE).config));
    assert.ok([...houlsby.down.weight.data, ...houlsby.up.weight.data].every((v) => Math.abs(v) <= 2e-2));
    const bert = at(make(parseAdapterHubConfig({ config: { ...SEQ, init_weights: "bert" }, hidden_size: 16 }, FILE).config));
    const w = [...bert.down.weight.data, ...bert.up.weight.data];
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    assert.ok(std > 0.012 && std < 0.028, `std ${std}`);
  });
});

describe("AdapterHub head configs", () => {
  const head = (config: Record<string, unknown>) => parseHeadHubConfig({ config, name: "h" }, "h/head_config.json").config;

  it("reads classification heads of any depth, activation and bias, and the tagging, multi-label and regression heads", () => {
    const deep = head({ head_type: "classification", num_labels: 3, layers: 3, activation_function: "relu", use_pooler: true, bias: false });
    assert.deepEqual([deep.kind, deep.layers, deep.activation, deep.pooling, deep.bias], ["classification", 3, "relu", "pooler", false]);
    assert.deepEqual(
      [toHubHeadName("h", "dense.0.weight", deep), toHubHeadName("h", "dense.1.weight", deep), toHubHeadName("h", "classifier.weight", deep)],
      ["heads.h.1.weight", "heads.h.4.weight", "heads.h.7.weight"],
    );
    const plain = head({ head_type: "classification", num_labels: 2, layers: 2, activation_function: null });
    assert.deepEqual([plain.pooling, toHubHeadName("h", "classifier.bias", plain)], ["cls", "heads.h.3.bias"]);
    assert.equal(head({ head_type: "tagging", num_labels: 5, layers: 1, activation_function: "tanh" }).kind, "tagging");
    assert.equal(head({ head_type: "multilabel_classification", num_labels: 4, layers: 2, activation_function: "tanh" }).kind, "multilabel");
    assert.equal(head({ head_type: "classification", num_labels: 1, layers: 2, activation_function: "tanh" }).kind, "regression");
  });

  it("refuses an unknown head type, activation or layer count, naming it and the file", () => {
    const refusesHead = (config: Record<string, unknown>, pattern: RegExp) =>
      assert.throws(
        () => head(config),
        (err: unknown) => err instanceof FormatError && pattern.test(err.message) && err.message.includes("h/head_config.json"),
        String(pattern),
      );
    refusesHead({ head_type: "question_answering", num_labels: 2 }, /unsupported head_type "question_answering"/);
    refusesHead({ head_type: "classification", num_labels: 2, layers: 2, activation_function: "mish" }, /activation_function "mish"/);
    refusesHead({ head_type: "classification", num_labels: 2, layers: 0 }, /"layers", got 0/);
    refusesHead({ head_type: "classification", num_labels: 2, bias: "no" }, /"bias"/);
  });
});
