// Rebuilds a task model from a base model and a saved adapter folder (adapter, LayerNorms, head).
import { AdapterSet } from "../../adapters/index.js";
import { ConfigError } from "../../errors.js";
import { TaskHead } from "../../heads/index.js";
import { Rng } from "../../rng.js";
import { attachAdapter, loadAdapterFolder, loadHeadWeights, TaskModel } from "../../train/index.js";
import type { Session } from "../setup.js";

export async function adapterModel(session: Session, adapterDir: string): Promise<{ model: TaskModel; name: string }> {
  const { engine, pretrained } = session;
  const config = pretrained.config;
  const loaded = await loadAdapterFolder(adapterDir);
  if (loaded.hiddenSize !== config.hiddenSize) {
    throw new ConfigError(`${adapterDir}: expected an adapter for hidden size ${config.hiddenSize}, got ${loaded.hiddenSize}`);
  }
  if (!loaded.head) throw new ConfigError(`${adapterDir}: expected head_config.json and model_head.safetensors, got none`);
  const adapters = new AdapterSet(engine, config.hiddenSize, config.numLayers);
  const head = new TaskHead(engine, loaded.head.config, config.hiddenSize, new Rng(0));
  loadHeadWeights(head, loaded.head.weights, adapterDir);
  const model = new TaskModel(pretrained.model, adapters, head);
  attachAdapter(model, adapters, loaded, adapterDir);
  model.activate(loaded.name);
  return { model, name: loaded.name };
}
