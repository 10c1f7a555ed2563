// The README's runnable example runs as written, on the shipped mini BERT and the real data.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

it("examples/quickstart.ts trains two adapters, loads a third and predicts with several in one call", () => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/examples/quickstart.js")], { encoding: "utf8", cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sentiment: dev accuracy 0\.\d{3}, adapter in .*runs\/quickstart\/sentiment\/adapter/);
  assert.match(r.stdout, /loaded: sentiment \(houlsby, classification, [\d.]+ MB\); ner \(pfeiffer, tagging, [\d.]+ MB\); sentiment-copy \(houlsby/);
  assert.match(r.stdout, /sentiment: (positive|negative) 0\.\d\d {2}a gem of a film/);
  const line = r.stdout.split("\n").find((l) => l.startsWith("several adapters, one input: ")) ?? "";
  const many = JSON.parse(line.slice("several adapters, one input: ".length)) as { sentiment: { label: string }[]; ner: { entity: string; text: string }[][] };
  assert.equal(many.sentiment.length, 1);
  assert.ok(["0", "1"].includes(many.sentiment[0].label));
  assert.ok(Array.isArray(many.ner[0]));
});
