// The library in one file: load a base model, train two adapters on real data, keep them side by side over
// the one frozen base, and predict with one or several of them in a single call.
//
//   npm run build && node dist/examples/quickstart.js [MODEL_DIR] [SHARED_DATA_DIR]
//
// In your own project the import reads: import { AdapterKit } from "adapterkit";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AdapterKit, type ClassificationResult } from "../src/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const modelDir = process.argv[2] ?? join(root, "models/mini-bert-uncased");
const data = process.argv[3] ?? join(root, "data"); // the slices shipped in the repository
const out = join(root, "runs/quickstart");

// the frozen base and its tokenizer; the kit says which kernels it chose
const kit = await AdapterKit.load(modelDir);

// two adapters over the same base: sentiment (SST-2) and named entities (CoNLL-2003); small budgets
const quick = { maxTrainExamples: 800, maxDevExamples: 200, epochs: 1, maxSeqLength: 64 };
const sentiment = await kit.train({
  adapter: "sentiment",
  task: { source: "glue", name: "SST-2", dataDir: join(data, "glue") },
  out: join(out, "sentiment"),
  options: { ...quick, pooling: "mean" },
});
console.log(`sentiment: dev accuracy ${sentiment.best?.metrics.accuracy.toFixed(3)}, adapter in ${sentiment.adapterDir}`);
await kit.train({
  adapter: "ner",
  task: { source: "conll", name: "conll", trainFile: join(data, "conll2003/train.txt"), devFile: join(data, "conll2003/valid.txt") },
  out: join(out, "ner"),
  options: { ...quick, adapter: "pfeiffer", lr: 1e-3 },
});

// a saved adapter folder loads under any name, next to the others
await kit.loadAdapter("sentiment-copy", sentiment.adapterDir);
console.log(
  "loaded:",
  kit
    .adapters()
    .map((a) => `${a.name} (${a.kind}, ${a.head}, ${(a.bytes / 1e6).toFixed(2)} MB)`)
    .join("; "),
);

// one adapter, many inputs
const texts = ["a gem of a film, warm and funny.", "The plot is a mess and the jokes fall flat."];
for (const [i, r] of ((await kit.predict("sentiment", texts)) as ClassificationResult[]).entries()) {
  console.log(`sentiment: ${r.label === "1" ? "positive" : "negative"} ${r.score.toFixed(2)}  ${texts[i]}`);
}

// several adapters on the same input: one call, one batch
const many = await kit.predict(["sentiment", "ner"], ["John Smith flew from London to Paris with Mary."]);
console.log("several adapters, one input:", JSON.stringify(many));
