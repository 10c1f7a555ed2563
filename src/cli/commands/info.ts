// adapterkit info: a model's size and what an adapter on it costs, per training mode; or what a saved adapter
// folder holds (which needs no model).
import type { Command } from "commander";
import { Adapter, ADAPTER_PRESETS, bottleneckConfig, readAdapterFolderInfo } from "../../adapters/index.js";
import { ConfigError } from "../../errors.js";
import { headConfig } from "../../heads/index.js";
import { Rng } from "../../rng.js";
import { adapterPartsFor, countParameters, selectTrainable, TaskModel, TRAIN_MODES } from "../../train/index.js";
import { integer, openKit } from "../setup.js";

interface InfoFlags {
  model?: string;
  adapterDir?: string;
  adapterSize?: number;
  labels: number;
  lowercase?: boolean;
}

const fmt = (n: number): string => n.toLocaleString("en");

export async function info(flags: InfoFlags): Promise<void> {
  if (flags.adapterDir) {
    const a = await readAdapterFolderInfo(flags.adapterDir);
    const shape = a.bottleneckSize !== null ? `${a.kind}, m = ${a.bottleneckSize}` : a.kind;
    console.log(
      `adapter "${a.name}" (${shape}) for ${a.modelType ?? "?"} hidden ${a.hiddenSize ?? "?"}: ${fmt(a.parameters)} parameters (${(a.bytes / 1e6).toFixed(2)} MB as float32), LayerNorms and head included; head ${a.head} over ${a.labels.length} label(s): ${a.labels.slice(0, 10).join(", ")}${a.labels.length > 10 ? ", ..." : ""}`,
    );
    return;
  }
  if (!flags.model) throw new ConfigError("info: expected --model <dir> (a model's table) or --adapter-dir <dir> (a saved adapter), got neither");
  const kit = await openKit(flags.model, { lowercase: flags.lowercase });
  const c = kit.config;
  console.log(`${c.modelType}: ${c.numLayers} layers, hidden ${c.hiddenSize}, ${c.numHeads} heads, FFN ${c.intermediateSize}, vocab ${c.vocabSize}`);
  console.log(`mode            total        trainable    adapter      (head over ${flags.labels} labels)`);
  const head = headConfig(
    "classification",
    Array.from({ length: flags.labels }, (_, i) => String(i)),
  );
  for (const preset of ADAPTER_PRESETS) {
    for (const mode of TRAIN_MODES) {
      if (mode !== "adapters" && preset !== "houlsby") continue;
      const bottleneck = bottleneckConfig(preset, { bottleneckSize: flags.adapterSize }, c.hiddenSize, c.numLayers);
      const adapter = new Adapter(kit.engine, preset, kit.base, { ...adapterPartsFor(mode, bottleneck), head }, { bottleneck: new Rng(0), head: new Rng(0) });
      const groups = new TaskModel(kit.base, adapter).parameterGroups();
      const counts = countParameters(groups, selectTrainable(mode, groups)); // counts only: the kit's base stays frozen
      const pct = (n: number): string => `(${((100 * n) / counts.total).toFixed(2)}%)`;
      const label = mode === "adapters" ? preset : mode;
      console.log(
        `${label.padEnd(15)} ${fmt(counts.total).padEnd(12)} ${`${fmt(counts.trainable)} ${pct(counts.trainable)}`.padEnd(22)} ${counts.adapter ? `${fmt(counts.adapter)} ${pct(counts.adapter)}` : "-"}`,
      );
    }
  }
}

export function registerInfo(program: Command): void {
  program
    .command("info")
    .description("parameter counts: total, trainable and adapter, per training mode; or a saved adapter's")
    .option("--model <dir>", "model directory")
    .option("--adapter-dir <dir>", "describe this saved adapter instead (no model needed)")
    .option("--adapter-size <m>", "bottleneck size for the table (default 64)", integer("adapter-size"))
    .option("--labels <n>", "head size for the table", integer("labels"), 2)
    .option("--lowercase", "lowercase text (a vocab.txt model without tokenizer_config.json)")
    .action(async (flags: InfoFlags) => info(flags));
}
