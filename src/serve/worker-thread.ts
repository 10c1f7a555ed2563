// The worker thread that holds the model: an AdapterKit over the base, driven by messages from the server's
// main thread, so tokenising and every forward run off the event loop that answers HTTP.
import { parentPort, workerData } from "node:worker_threads";
import { AdapterKit } from "../api/index.js";
import type { WorkerReply, WorkerRequest, WorkerSetup } from "./worker-protocol.js";
import { toWireError } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("serve/worker-thread: expected to run as a worker thread");
const setup = workerData as WorkerSetup;
const notices: string[] = [];
const kitReady = AdapterKit.load(setup.modelDir, { backend: setup.backend, lowercase: setup.lowercase, precision: setup.precision, log: (line) => notices.push(line) });

async function handle(msg: WorkerRequest): Promise<WorkerReply> {
  const kit = await kitReady;
  switch (msg.type) {
    case "ready":
      return {
        id: msg.id,
        type: "ready",
        kernels: kit.kernels,
        notices,
        model: { modelType: kit.config.modelType, layers: kit.config.numLayers, hidden: kit.config.hiddenSize, precision: kit.precision },
      };
    case "load":
      return { id: msg.id, type: "loaded", info: await kit.loadAdapter(msg.name, msg.dir, { replace: true }) };
    case "unload":
      if (kit.has(msg.name)) kit.unloadAdapter(msg.name);
      return { id: msg.id, type: "unloaded" };
    case "predict": {
      const { outcomes, forwards } = await kit.predictCalls(msg.calls, msg.options);
      return { id: msg.id, type: "predicted", outcomes: outcomes.map((o) => ("error" in o ? { error: toWireError(o.error) } : o)), forwards };
    }
  }
}

port.on("message", (msg: WorkerRequest) => {
  handle(msg).then(
    (reply) => port.postMessage(reply),
    (err: unknown) => port.postMessage({ id: msg.id, type: "error", error: toWireError(err) } satisfies WorkerReply),
  );
});
