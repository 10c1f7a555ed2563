// A served adapterkit for the tests: a store of adapters over the shipped mini BERT (trained briefly on real
// data, plus broken ones), and the server as a user starts it, `adapterkit serve`, on a free loopback port.
import { request } from "node:http";
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnServe, type Served } from "../../scripts/scale-out.js";
import { AdapterKit } from "../../src/api/index.js";

export type { Served };

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const MODEL = join(ROOT, "models/mini-bert-uncased");
import { DATA } from "../helpers/data.js";

export { DATA };

/** Trains two small adapters (SST-2 sentiment, CoNLL-2003 tags) into store/, copies one twice, and adds broken ones. */
export async function makeStore(dir: string): Promise<AdapterKit> {
  const kit = await AdapterKit.load(MODEL, { log: () => {} });
  const quick = { maxTrainExamples: 64, maxDevExamples: 16, maxSteps: 2, batchSize: 16, maxSeqLength: 48, checkpointEvery: 1000 };
  const sst = await kit.train({
    adapter: "sentiment",
    task: { source: "glue", name: "SST-2", dataDir: join(DATA, "glue") },
    out: join(dir, "runs/sentiment"),
    options: { ...quick, pooling: "mean" },
  });
  const ner = await kit.train({
    adapter: "ner",
    task: { source: "conll", name: "conll", trainFile: join(DATA, "conll2003/train.txt"), devFile: join(DATA, "conll2003/valid.txt") },
    out: join(dir, "runs/ner"),
    options: { ...quick, adapter: "pfeiffer" },
  });
  const store = join(dir, "store");
  mkdirSync(store, { recursive: true });
  for (const [name, from] of [
    ["sentiment", sst.adapterDir],
    ["ner", ner.adapterDir],
    ["sentiment-b", sst.adapterDir],
    ["sentiment-c", sst.adapterDir],
  ]) {
    cpSync(from, join(store, name), { recursive: true });
  }
  mkdirSync(join(store, "broken"));
  writeFileSync(join(store, "broken/head_config.json"), "{ not json");
  symlinkSync("/etc", join(store, "escape")); // a folder whose real path leads outside the store
  return kit;
}

/** `adapterkit serve` over the mini BERT, as a user starts it, on a free loopback port. */
export function serve(args: string[]): Promise<Served> {
  return spawnServe(["--model", MODEL, ...args]);
}

/** POSTs with the path sent exactly as given (fetch would resolve "%2e%2e" and ".." before sending). */
export function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const u = new URL(url.replace(/\/v1\/.*$/, ""));
  const path = url.slice(u.origin.length);
  const data = typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((ok, fail) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data), ...headers } },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => {
          try {
            ok({ status: res.statusCode ?? 0, json: JSON.parse(text) as { error?: { code: string; message: string } } & Record<string, unknown> });
          } catch {
            fail(new Error(`expected a JSON body from ${path}, got ${res.statusCode}: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on("error", fail);
    req.end(data);
  });
}
