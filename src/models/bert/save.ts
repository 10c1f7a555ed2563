// Writes an encoder as a Hugging Face model directory (config.json + model.safetensors with "bert."/"roberta."
// names), loadable by AdapterKit and by transformers. Float storage F32, F16 or BF16.
import { encodeSafetensors, writeFilesAtomic, type FloatStorage, type TensorRecord } from "../../io/index.js";
import { toHfConfig, type BertConfig } from "./config.js";
import type { BertModel } from "./model.js";
import { hfName } from "./weights.js";

export async function saveHfModel(dir: string, model: BertModel, config: BertConfig, options: { storeAs?: FloatStorage; extra?: readonly TensorRecord[]; metadata?: Record<string, string> } = {}): Promise<void> {
  const records: TensorRecord[] = model.namedParameters().map(([n, t]) => ({
    name: `${config.modelType}.${hfName(n)}`, dtype: "F32", shape: [...t.shape], data: Float32Array.from(t.data),
  }));
  await writeFilesAtomic(dir, {
    "config.json": JSON.stringify(toHfConfig(config), null, 2) + "\n",
    "model.safetensors": encodeSafetensors([...records, ...(options.extra ?? [])], { storeAs: options.storeAs ?? "F32", metadata: { format: "pt", ...options.metadata } }),
  });
}

