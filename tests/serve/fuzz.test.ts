// A bounded fuzz of the server on loopback: thousands of mutated bodies, content types and paths. Every
// answer must be a JSON error or a result with the status its input deserves, the server must keep
// answering correctly, and its memory must not grow once warm.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { Rng } from "../../src/rng.js";
import { makeStore, post, serve } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "adapterkit-fuzz-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const ROUNDS = 2;
const PER_ROUND = 1500;

const VALID = [{ inputs: ["a gem of a film", { text: "awful acting" }] }, { adapters: ["sentiment", "ner"], inputs: ["John Smith flew to Paris"] }];
const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  true,
  "",
  "x".repeat(5000),
  [],
  {},
  [[[[]]]],
  { text: null },
  { text: 5 },
  "\u0000",
  "\ud800",
  "😀".repeat(50),
  { tokens: ["a"], subject: [0, 0], object: [0, 0] },
  { text: "ab", start: 1, end: 99 },
];
const NAMES = ["sentiment", "ner", "broken", "escape", "nope", "%2e%2e", "..%2f..", "a%00b", "%5c", "s".repeat(300), "sentiment%20", "%F0%9F%98%80", "sentiment.", "-x", "a%2Fb"];

function mutateJson(rng: Rng): string {
  const base = JSON.parse(JSON.stringify(VALID[rng.int(VALID.length)])) as Record<string, unknown>;
  const keys = Object.keys(base);
  switch (rng.int(6)) {
    case 0:
      base[keys[rng.int(keys.length)]] = ODD_VALUES[rng.int(ODD_VALUES.length)];
      break;
    case 1:
      (base.inputs as unknown[]).push(ODD_VALUES[rng.int(ODD_VALUES.length)]);
      break;
    case 2:
      base[`k${rng.int(5)}`] = ODD_VALUES[rng.int(ODD_VALUES.length)];
      break;
    case 3: {
      let deep: unknown = "x";
      for (let i = 0; i < 1 + rng.int(200); i++) deep = [deep];
      base.inputs = deep;
      break;
    }
    case 4:
      delete base[keys[rng.int(keys.length)]];
      break;
    default:
      break;
  }
  let text = JSON.stringify(base);
  for (let i = rng.int(3); i > 0; i--) {
    // byte-level damage
    const at = rng.int(text.length);
    text = rng.int(2) ? text.slice(0, at) + String.fromCharCode(rng.int(128)) + text.slice(at + 1) : text.slice(0, at);
  }
  return text;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return line ? Number(line.split(" ").at(-1)) : Number.NaN;
}

it(`survives ${ROUNDS} x ${PER_ROUND} mutated requests and answers correctly after, with flat memory`, async () => {
  await makeStore(tmp);
  const server = await serve(["--adapters", join(tmp, "store"), "--max-inputs", "16", "--max-chars", "1000", "--max-body", "65536"]);
  try {
    const reference = await post(`${server.url}/v1/adapters/sentiment/predict`, VALID[0]);
    assert.equal(reference.status, 200);
    const rng = new Rng(2026);
    const memory: { rss: number; heap: number }[] = [];
    const seen = new Map<number, number>();
    for (let round = 0; round < ROUNDS; round++) {
      for (let start = 0; start < PER_ROUND; start += 16) {
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            const name = NAMES[rng.int(NAMES.length)];
            const path = rng.int(4) === 0 ? "/v1/predict" : `/v1/adapters/${name}/predict`;
            const headers: Record<string, string> = rng.int(10) === 0 ? { "content-type": ["text/plain", "application/xml", "application/json; charset=latin1"][rng.int(3)] } : {};
            const r = await post(`${server.url}${path}`, mutateJson(rng), headers).catch((err: Error) => ({ status: -1, json: { error: { code: "none", message: err.message } } }));
            seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
            assert.ok([200, 400, 404, 413, 415, 500].includes(r.status), `${path}: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
            if (r.status !== 200) assert.equal(typeof r.json.error?.message, "string", `${path}: an error without a message`);
            if (r.status === 500) assert.match(r.json.error?.message ?? "", /adapter "broken"/, "only the broken adapter may fail to load");
          }),
        );
      }
      memory.push({ rss: await metric(server.url, "adapterkit_process_resident_memory_bytes"), heap: await metric(server.url, "adapterkit_nodejs_heap_size_used_bytes") });
    }
    const after = await post(`${server.url}/v1/adapters/sentiment/predict`, VALID[0]);
    assert.deepEqual(after, reference, "the same answer as before the fuzz");
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    const [warm, end] = memory;
    const mb = (x: number): string => `${(x / 1e6).toFixed(1)} MB`;
    assert.ok(end.rss - warm.rss < 64e6 && end.heap - warm.heap < 32e6, `memory grew: rss ${mb(warm.rss)} -> ${mb(end.rss)}, heap ${mb(warm.heap)} -> ${mb(end.heap)}`);
    console.log(`# statuses ${JSON.stringify(Object.fromEntries(seen))}; rss ${mb(warm.rss)} -> ${mb(end.rss)}, heap ${mb(warm.heap)} -> ${mb(end.heap)}`);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
