// adapterkit info: a model's size and what an adapter on it costs, or what a saved adapter holds.
import type { Command } from "commander";
import { AdapterSet, bottleneckConfig } from "../../adapters/index.js";
import { headConfig, TaskHead } from "../../heads/index.js";
import { Rng } from "../../rng.js";
import { applyTrainMode, countParameters, TaskModel, TRAIN_MODES } from "../../train/index.js";
import { integer, openModel } from "../setup.js";
import { adapterModel } from "./adapter-model.js";

interface InfoFlags {
  model: string;
  adapterDir?: string;
  adapterSize?: number;
  labels: number;
  lowercase?: boolean;
}

export async function info(flags: InfoFlags): Promise<void> {
  const session = await openModel(flags.model, { lowercase: flags.lowercase });
  const { engine, pretrained } = session;
  const c = pretrained.config;
  const fmt = (n: number): string => n.toLocaleString("en");
  if (flags.adapterDir) {
    const { model, name } = await adapterModel(session, flags.adapterDir);
    const groups = model.parameterGroups();
    applyTrainMode("adapters", groups);
    const counts = countParameters(groups);
    console.log(`adapter "${name}" (${model.adapters.get(name).config.preset}, m = ${model.adapters.get(name).config.bottleneckSize}): ${fmt(counts.adapter)} parameters (${((100 * counts.adapter) / counts.total).toFixed(2)}% of ${fmt(counts.total)}); head ${model.head.config.kind} over ${model.head.config.labels.length} labels`);
    return;
  }
  console.log(`${c.modelType}: ${c.numLayers} layers, hidden ${c.hiddenSize}, ${c.numHeads} heads, FFN ${c.intermediateSize}, vocab ${c.vocabSize}`);
  console.log("mode            total        trainable    adapter      (head over 2 labels)");
  for (const preset of ["houlsby", "pfeiffer"] as const) {
    for (const mode of TRAIN_MODES) {
      if (mode !== "adapters" && preset === "pfeiffer") continue;
      const adapters = new AdapterSet(engine, c.hiddenSize, c.numLayers);
      if (mode === "adapters") adapters.add(preset, bottleneckConfig(preset, { bottleneckSize: flags.adapterSize }, c.hiddenSize, c.numLayers));
      const head = new TaskHead(engine, headConfig("classification", Array.from({ length: flags.labels }, (_, i) => String(i))), c.hiddenSize, new Rng(0));
      const model = new TaskModel(pretrained.model, adapters, head);
      if (mode === "adapters") model.activate(preset);
      const groups = model.parameterGroups();
      applyTrainMode(mode, groups);
      const counts = countParameters(groups);
      const trainable = counts.trainable;
      const label = mode === "adapters" ? `${preset}` : mode;
      const pct = (n: number): string => `(${((100 * n) / counts.total).toFixed(2)}%)`;
      console.log(`${label.padEnd(15)} ${fmt(counts.total).padEnd(12)} ${`${fmt(trainable)} ${pct(trainable)}`.padEnd(22)} ${mode === "adapters" ? `${fmt(counts.adapter)} ${pct(counts.adapter)}` : "-"}`);
    }
  }
}

export function registerInfo(program: Command): void {
  program.command("info").description("parameter counts: total, trainable and adapter, per training mode; or a saved adapter's")
    .requiredOption("--model <dir>", "model directory")
    .option("--adapter-dir <dir>", "describe this saved adapter instead")
    .option("--adapter-size <m>", "bottleneck size for the table (default 64)", integer("adapter-size"))
    .option("--labels <n>", "head size for the table", integer("labels"), 2)
    .option("--lowercase", "lowercase text (a vocab.txt model without tokenizer_config.json)")
    .action(async (flags: InfoFlags) => info(flags));
}
