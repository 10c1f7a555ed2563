// The library API over the shipped mini BERT and real data (SST-2, CoLA, CoNLL-2003): adapters live side by side
// under names over one base that nothing writes, training one leaves the others as they were, one call runs
// several adapters on the same inputs, and every head kind comes back typed.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { AdapterKit, type TrainOptions } from "../../src/api/index.js";
import { ConfigError } from "../../src/errors.js";
import { encodeSafetensors, readSafetensors } from "../../src/io/index.js";
import type { ClassificationResult, Entity, MultilabelResult, PredictResult } from "../../src/pipelines/index.js";
import { DATA } from "../helpers/data.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const MODEL = join(ROOT, "models/mini-bert-uncased");
const tmp = mkdtempSync(join(tmpdir(), "adapterkit-api-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const quick: TrainOptions = { maxTrainExamples: 64, maxDevExamples: 32, maxSteps: 3, batchSize: 16, maxSeqLength: 48, checkpointEvery: 1000, pooling: "mean" };
const TEXTS = ["a gem of a film , warm and funny .", "the plot is a mess and the jokes fall flat .", "John Smith flew to Paris with Mary on Monday ."];

function baseHashes(kit: AdapterKit): Map<string, string> {
  return new Map(
    kit.base.namedParameters().map(([n, t]) => [
      n,
      createHash("sha256")
        .update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))
        .digest("hex"),
    ]),
  );
}

function snapshot(kit: AdapterKit, name: string): number[][] {
  return kit
    .adapter(name)
    .parameters()
    .map((t) => Array.from(t.data));
}

describe("AdapterKit", () => {
  let kit: AdapterKit;
  let hashes: Map<string, string>;
  const logs: string[] = [];
  before(async () => {
    kit = await AdapterKit.load(MODEL, { log: (line) => logs.push(line) });
    hashes = baseHashes(kit);
  });

  it("reports the kernels it chose", () => {
    assert.ok(
      logs.some((l) => /kernels: (native|ref)/.test(l)),
      logs.join("\n"),
    );
    assert.ok(["native", "ref"].includes(kit.kernels));
  });

  it("trains two adapters, loads three more, and never writes a base tensor", async () => {
    const sst = await kit.train({ adapter: "sentiment", task: { source: "glue", name: "SST-2", dataDir: join(DATA, "glue") }, out: join(tmp, "sst"), options: quick });
    // --max-steps below one epoch still ends evaluated and saved
    assert.ok(sst.best && sst.last && sst.evaluations === 1 && sst.best.step === 3, JSON.stringify({ best: sst.best, last: sst.last }));
    assert.ok(existsSync(join(sst.adapterDir, "adapter.safetensors")));
    const before = snapshot(kit, "sentiment");
    const cola = await kit.train({
      adapter: "acceptability",
      task: { source: "glue", name: "CoLA", dataDir: join(DATA, "glue") },
      out: join(tmp, "cola"),
      options: { ...quick, mode: "layernorm-only" },
    });
    assert.equal(cola.loaded?.kind, "layernorm-only");
    assert.deepEqual(snapshot(kit, "sentiment"), before, "training another adapter leaves a loaded one bit for bit");
    const ner = await kit.train({
      adapter: "ner",
      task: { source: "conll", name: "conll", trainFile: join(DATA, "conll2003/train.txt"), devFile: join(DATA, "conll2003/valid.txt") },
      out: join(tmp, "ner"),
      options: { ...quick, adapter: "pfeiffer", pooling: "pooler" },
    });
    await kit.loadAdapter("sentiment-copy", sst.adapterDir);
    await kit.loadAdapter("acceptability-copy", cola.adapterDir);
    await kit.loadAdapter("ner-copy", ner.adapterDir);
    assert.deepEqual(snapshot(kit, "sentiment-copy"), snapshot(kit, "sentiment"), "a loaded copy holds the saved values");
    assert.deepEqual(baseHashes(kit), hashes, "sha256 of every base tensor unchanged");
    const listed = kit.adapters();
    assert.deepEqual(listed.map((a) => a.name).sort(), ["acceptability", "acceptability-copy", "ner", "ner-copy", "sentiment", "sentiment-copy"]);
    const s = listed.find((a) => a.name === "sentiment");
    assert.equal(s?.kind, "houlsby");
    assert.equal(s?.head, "classification");
    assert.deepEqual(s?.labels, ["0", "1"]);
    assert.ok((s?.parameters ?? 0) > 0 && (s?.bytes ?? 0) === 4 * (s?.parameters ?? 0));
  });

  it("keeps loaded the adapter its folder holds (the best on dev), not the last step's", async () => {
    const run = await kit.train({
      adapter: "every-step",
      task: { source: "glue", name: "SST-2", dataDir: join(DATA, "glue") },
      out: join(tmp, "every-step"),
      options: { ...quick, maxSteps: 4, evalEvery: 1 },
    });
    assert.equal(run.evaluations, 4);
    await kit.loadAdapter("every-step-saved", run.adapterDir);
    assert.deepEqual(snapshot(kit, "every-step"), snapshot(kit, "every-step-saved"), `best at step ${run.best?.step}, last at ${run.last?.step}`);
    kit.unloadAdapter("every-step");
    kit.unloadAdapter("every-step-saved");
  });

  it("predicts typed results per head kind, and several adapters on the same inputs in one call", async () => {
    const one = (await kit.predict("sentiment", TEXTS)) as ClassificationResult[];
    assert.equal(one.length, 3);
    for (const r of one) {
      assert.ok(["0", "1"].includes(r.label));
      assert.ok(Math.abs(r.scores["0"] + r.scores["1"] - 1) < 1e-6 && r.score === Math.max(r.scores["0"], r.scores["1"]));
    }
    const entities = (await kit.predict("ner", TEXTS))[2] as readonly Entity[];
    assert.ok(Array.isArray(entities));
    for (const x of entities) {
      assert.equal(TEXTS[2].slice(x.start, x.end), x.text, "character offsets into the input");
      assert.ok(["PER", "LOC", "ORG", "MISC"].includes(x.entity) && x.score > 0 && x.score <= 1);
    }
    const names = ["sentiment", "acceptability", "ner", "sentiment-copy"];
    const many = await kit.predict(names, TEXTS);
    assert.deepEqual(Object.keys(many), names);
    for (const name of names) {
      const alone = await kit.predict(name, TEXTS);
      assertClose(many[name], alone, name);
    }
    assertClose(many["sentiment-copy"], many.sentiment, "a loaded copy predicts what the trained adapter does");
  });

  it("refuses unknown names, malformed inputs and a pair adapter given one text, naming the place", async () => {
    await assert.rejects(kit.predict("sentimnet", TEXTS), (e: unknown) => e instanceof ConfigError && /unknown adapter "sentimnet"; expected one of .*sentiment/.test(e.message));
    await assert.rejects(
      kit.predict("sentiment", ["ok", 42 as unknown as string]),
      (e: unknown) => e instanceof ConfigError && /inputs\[1\]: expected a string or an object/.test(e.message),
    );
    await assert.rejects(
      kit.predict("sentiment", [{ text: "a", textPair: "b" }]),
      (e: unknown) => e instanceof ConfigError && /inputs\[0\]: expected a single text/.test(e.message),
    );
    const pairs = [
      { text: "a cat sat", textPair: "a cat was sitting", label: "same" },
      { text: "it rained", textPair: "the sun shone", label: "different" },
    ];
    await kit.train({ adapter: "pairs", task: { kind: "classification" }, train: pairs, dev: pairs, out: join(tmp, "pairs"), options: { maxSteps: 1, batchSize: 2 } });
    await assert.rejects(
      kit.predict("pairs", ["one text"]),
      (e: unknown) => e instanceof ConfigError && /inputs\[0\]: expected \{ text, textPair \}: this adapter was trained on text pairs/.test(e.message),
    );
    assert.equal((await kit.predict("pairs", [{ text: "x", textPair: "y" }])).length, 1);
    await assert.rejects(
      kit.train({ adapter: "bad", task: { kind: "regression" }, train: [{ text: "a", label: "high" }], out: join(tmp, "bad") }),
      (e: unknown) => e instanceof ConfigError && /train\[0\].label: expected a finite number/.test(e.message),
    );
    assert.throws(() => kit.unloadAdapter("nope"), /unknown adapter "nope"/);
    kit.unloadAdapter("pairs");
    assert.ok(!kit.adapters().some((a) => a.name === "pairs"));
    assert.deepEqual(baseHashes(kit), hashes, "still untouched after every call above");
  });
});

describe("AdapterKit over a base without a pooler", () => {
  it("trains AdapterHub's default head (dense + tanh over the first token) by default, saves it in AdapterHub's layout and loads it back", async () => {
    const dir = join(tmp, "no-pooler");
    mkdirSync(dir, { recursive: true });
    for (const f of ["config.json", "vocab.txt", "tokenizer_config.json"]) copyFileSync(join(MODEL, f), join(dir, f));
    const { records } = await readSafetensors(join(MODEL, "model.safetensors"));
    writeFileSync(join(dir, "model.safetensors"), Buffer.concat(encodeSafetensors(records.filter((r) => !r.name.includes("pooler")))));
    const logs: string[] = [];
    const kit = await AdapterKit.load(dir, { log: (line) => logs.push(line) });
    assert.ok(
      logs.some((l) => /has no pooler/.test(l)),
      logs.join("\n"),
    );
    const starts: unknown[] = [];
    const run = await kit.train({
      adapter: "s",
      task: { source: "glue", name: "SST-2", dataDir: join(DATA, "glue") },
      out: join(tmp, "no-pooler-run"),
      options: { ...quick, pooling: undefined },
      onStart: (s) => starts.push(s.pooling),
    });
    assert.deepEqual(starts, [{ pooling: "cls", chosen: true }]);
    const headJson = JSON.parse(readFileSync(join(run.adapterDir, "head_config.json"), "utf8")) as { config: { layers: number; activation_function: string; use_pooler: boolean } };
    assert.deepEqual([headJson.config.layers, headJson.config.activation_function, headJson.config.use_pooler], [2, "tanh", false]);
    const keys = (await readSafetensors(join(run.adapterDir, "model_head.safetensors"))).records.map((r) => r.name).sort();
    assert.deepEqual(keys, ["heads.s.1.bias", "heads.s.1.weight", "heads.s.4.bias", "heads.s.4.weight"]);
    await kit.loadAdapter("s-copy", run.adapterDir);
    assertClose(await kit.predict("s-copy", TEXTS), await kit.predict("s", TEXTS), "the loaded copy");
    // a head that reads the pooled output cannot run over this base: said before any compute
    await assert.rejects(
      kit.train({ adapter: "p", task: { source: "glue", name: "SST-2", dataDir: join(DATA, "glue") }, out: join(tmp, "no-pooler-p"), options: { ...quick, pooling: "pooler" } }),
      /has no pooler/,
    );
  });
});

describe("AdapterKit with K-Adapter tasks", () => {
  it("loads a task folder next to bottleneck adapters, takes span inputs, and mixes both in one call", async () => {
    const kit = await AdapterKit.load(MODEL, { log: () => {} });
    const small = { maxTrainExamples: 32, maxSteps: 2, batchSize: 16, maxSeqLength: 64, checkpointEvery: 1000, adapterHidden: 32, adapterHeads: 2, adapterIntermediate: 64 };
    const fac = await kit.pretrainKnowledgeAdapter({ ...small, task: "relation", out: join(tmp, "k-fac"), dataDir: DATA });
    const litwd = join(DATA, "kadapter/LitWD1Krel/dev.json");
    const loop = { maxTrainExamples: 32, maxSteps: 2, batchSize: 16, maxSeqLength: 64, checkpointEvery: 1000, dataDir: DATA };
    await kit.trainKnowledgeTask({ ...loop, task: "openentity", out: join(tmp, "k-typing"), knowledge: [{ name: "fac", dir: fac.adapterDir }], freezeEncoder: true });
    await kit.trainKnowledgeTask({
      ...loop,
      task: "tacred",
      trainFile: litwd,
      devFile: litwd,
      out: join(tmp, "k-rel"),
      knowledge: [{ name: "fac", dir: fac.adapterDir }],
      freezeEncoder: true,
    });
    await kit.train({ adapter: "sentiment", task: { source: "glue", name: "SST-2", dataDir: join(DATA, "glue") }, out: join(tmp, "k-sst"), options: quick });
    assert.equal((await kit.loadAdapter("typing", join(tmp, "k-typing/task"))).head, "multilabel");
    assert.equal((await kit.loadAdapter("relation", join(tmp, "k-rel/task"))).head, "classification");

    const mention = { text: "It was the strongest opposition attack on Yeltsin since he underwent heart surgery Tuesday .", start: 42, end: 49 };
    const pair = { tokens: ["Venezuela", "borders", "Colombia", "."], subject: [0, 0] as const, object: [2, 2] as const };
    const typed = (await kit.predict("typing", [mention]))[0] as MultilabelResult;
    assert.equal(Object.keys(typed.scores).length, 9, "OpenEntity's nine types");
    assert.ok(typed.labels.every((l) => typed.scores[l] > 0.5));
    const rel = (await kit.predict("relation", [pair]))[0] as ClassificationResult;
    assert.ok(rel.score === Math.max(...Object.values(rel.scores)));
    // one call, one forward: a bottleneck adapter's row and both tasks' rows together match each alone
    const mixed = await kit.run([
      { adapter: "sentiment", input: TEXTS[0] },
      { adapter: "typing", input: mention },
      { adapter: "relation", input: pair },
    ]);
    assertClose([mixed[0]], await kit.predict("sentiment", [TEXTS[0]]), "sentiment in a mixed call");
    assertClose([mixed[1]], [typed], "typing in a mixed call");
    assertClose([mixed[2]], [rel], "relation in a mixed call");
    // an int8 kit keeps no fp32 weights: it reads the checkpoint again for the fingerprint a task folder is checked against
    const int8Logs: string[] = [];
    const int8 = await AdapterKit.load(MODEL, { precision: "int8", log: (line) => int8Logs.push(line) });
    assert.equal((await int8.loadAdapter("typing", join(tmp, "k-typing/task"))).head, "multilabel");
    if (int8.precision === "int8")
      assert.ok(
        int8Logs.some((l) => /reading .* again for the fp32 weights' fingerprint \(the int8 base keeps none\)/.test(l)),
        int8Logs.join("\n"),
      );
    assert.equal(Object.keys(((await int8.predict("typing", [mention]))[0] as MultilabelResult).scores).length, 9);

    await assert.rejects(
      kit.predict("typing", ["a plain text"]),
      (e: unknown) => e instanceof ConfigError && /inputs\[0\]: expected an object \{ text, start, end \}/.test(e.message),
    );
    await assert.rejects(
      kit.predict("typing", [{ text: "short", start: 3, end: 9 }]),
      (e: unknown) => e instanceof ConfigError && /inputs\[0\]: expected 0 <= start < end <= 5/.test(e.message),
    );
    await assert.rejects(
      kit.predict("relation", [{ tokens: ["a"], subject: [0, 0], object: [0, 0] }]),
      (e: unknown) => e instanceof ConfigError && /inputs\[0\]: expected disjoint spans/.test(e.message),
    );
    // a task that fine-tuned its own encoder loads only over that encoder
    await kit.trainKnowledgeTask({ ...loop, task: "openentity", out: join(tmp, "k-tuned"), knowledge: [] });
    await assert.rejects(
      kit.loadAdapter("tuned", join(tmp, "k-tuned/task")),
      (e: unknown) => e instanceof ConfigError && /fine-tuned its own encoder; expected the kit's base to be that encoder/.test(e.message),
    );
    const tunedKit = await AdapterKit.load(join(tmp, "k-tuned/model"), { log: () => {} });
    assert.equal((await tunedKit.loadAdapter("tuned", join(tmp, "k-tuned/task"))).kind, "k-adapter (no knowledge adapter)");
    assert.equal((await tunedKit.predict("tuned", [mention])).length, 1);
  });
});

function assertClose(got: readonly PredictResult[], want: readonly PredictResult[], what: string): void {
  assert.equal(got.length, want.length, what);
  // the same structure and labels, and every number within 1e-5
  const NUMBER = /-?\d+(\.\d+)?(e[-+]?\d+)?/g;
  const numbers = (r: PredictResult): number[] =>
    JSON.stringify(r)
      .replace(/"[^"]*"/g, "")
      .match(NUMBER)
      ?.map(Number) ?? [];
  const shape = (r: PredictResult): string => JSON.stringify(r, (_, v: unknown) => (typeof v === "number" ? 0 : v));
  got.forEach((g, i) => {
    assert.equal(shape(g), shape(want[i]), `${what}[${i}]`);
    const a = numbers(g);
    const b = numbers(want[i]);
    assert.equal(a.length, b.length, `${what}[${i}]: ${JSON.stringify(g)} vs ${JSON.stringify(want[i])}`);
    a.forEach((x, j) => assert.ok(Math.abs(x - b[j]) <= 1e-5, `${what}[${i}]: ${JSON.stringify(g)} vs ${JSON.stringify(want[i])}`));
  });
}
