// Scale-out: nginx on loopback in front of two replicas, routing by adapter name with consistent hashing.
// Under load one replica is killed with SIGKILL: only the requests in flight on it may fail, and traffic for
// its adapters continues on the survivor.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { nginxMissing, startScaleOut } from "../../scripts/scale-out.js";
import { makeStore, MODEL } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "adapterkit-scale-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const ADAPTERS = ["sentiment", "ner", "sentiment-b", "sentiment-c"];
const CONCURRENCY = 8;

interface Outcome {
  status: number;
  upstream: string;
  at: number;
}

async function predict(url: string, adapter: string): Promise<Outcome> {
  try {
    const res = await fetch(`${url}/v1/adapters/${adapter}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ inputs: ["a film about a film"] }),
    });
    await res.arrayBuffer();
    return { status: res.status, upstream: res.headers.get("x-adapterkit-upstream") ?? "", at: Date.now() };
  } catch {
    return { status: -1, upstream: "", at: Date.now() };
  }
}

it("routes each adapter to one replica, and after a SIGKILL only in-flight requests fail while the survivor takes over", async (t) => {
  const missing = nginxMissing();
  if (missing) {
    if (process.env.ADAPTERKIT_REQUIRE_NGINX === "1") throw new Error(`ADAPTERKIT_REQUIRE_NGINX=1 but ${missing}`);
    t.skip(missing);
    return;
  }
  await makeStore(tmp);
  const cluster = await startScaleOut({ model: MODEL, adapters: join(tmp, "store"), replicas: 2, port: 0 });
  try {
    // consistent hashing: an adapter's requests all go to one replica
    const home = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++) {
      for (const a of ADAPTERS) {
        const r = await predict(cluster.url, a);
        assert.equal(r.status, 200);
        home.set(a, (home.get(a) ?? new Set()).add(r.upstream));
      }
    }
    for (const [a, upstreams] of home) assert.equal(upstreams.size, 1, `${a} went to ${[...upstreams].join(" and ")}`);

    // load through nginx; kill the replica that holds "sentiment" mid-load
    const victim = cluster.replicas.find((r) => home.get("sentiment")?.has(r.url.replace("http://", "")));
    assert.ok(victim, "the replica serving sentiment");
    const outcomes: Outcome[] = [];
    let killedAt = 0;
    const deadline = Date.now() + 4000;
    const workers = Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = 0; Date.now() < deadline; i++) outcomes.push(await predict(cluster.url, ADAPTERS[(w + i) % ADAPTERS.length]));
    });
    setTimeout(() => {
      killedAt = Date.now();
      victim.proc.kill("SIGKILL");
    }, 1500);
    await Promise.all(workers);
    const failed = outcomes.filter((o) => o.status !== 200);
    const afterKill = outcomes.filter((o) => o.at > killedAt + 500);
    const survivor = cluster.replicas.find((r) => r !== victim)?.url.replace("http://", "") ?? "";
    console.log(
      `# ${outcomes.length} requests through nginx; ${failed.length} failed (statuses ${[...new Set(failed.map((f) => f.status))].join(", ") || "-"}); ${afterKill.length} after the kill, all on ${survivor}`,
    );
    assert.ok(failed.length <= CONCURRENCY, `at most the ${CONCURRENCY} requests in flight may fail, got ${failed.length}`);
    assert.ok(
      failed.every((f) => f.at >= killedAt),
      "nothing fails before the kill",
    );
    assert.ok(afterKill.length > 20, "traffic continues after the kill");
    assert.ok(
      afterKill.every((o) => o.status === 200 && o.upstream === survivor),
      "every later request is answered by the survivor",
    );
    assert.ok(
      afterKill.some((o) => o.upstream === survivor),
      "the killed replica's adapters now load on the survivor",
    );
  } finally {
    await cluster.stop();
  }
  assert.ok(!existsSync(cluster.work), `stop removes nginx's temporary folder ${cluster.work}`);
});
