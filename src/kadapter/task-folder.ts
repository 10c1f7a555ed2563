// A trained K-Adapter downstream task as one folder a kit can load next to bottleneck adapters:
//   task_config.json   the task, its labels, the fusion, each knowledge adapter's config, the max sequence length,
//                      and the sha256 of the encoder it ran over (the frozen base, or the run's fine-tuned copy)
//   task.safetensors   the fusion and head weights, and every knowledge adapter's (knowledge.<k>.<reference name>)
// Self-contained: the knowledge adapters travel inside. Loading checks the kit's base is the encoder the task
// ran over, so a task that fine-tuned its encoder loads only over that encoder (the run's model/ folder).
import { join } from "node:path";
import type { Engine, Tensor } from "../autograd/index.js";
import { checkAdapterName, copyWeights, type AdapterInfo } from "../adapters/index.js";
import { ConfigError, FormatError } from "../errors.js";
import { EntityTypingHead, RelationClassificationHead } from "../heads/index.js";
import { encodeSafetensors, readJson, readSafetensors, toFloat32, writeFilesAtomic } from "../io/index.js";
import type { BertModel, EncoderInput } from "../models/index.js";
import type { ForwardContext, Module } from "../nn/index.js";
import { Rng } from "../rng.js";
import { fromKAdapterJson, toKAdapterJson } from "./config.js";
import { FUSION_MODES, KnowledgeFusion, type FusionMode } from "./fusion.js";
import { KAdapterModel } from "./kadapter-model.js";
import { KnowledgeAdapter } from "./knowledge-adapter.js";
import { kadapterReferenceName } from "./weights.js";

export const TASK_CONFIG_FILE = "task_config.json";
export const TASK_WEIGHTS_FILE = "task.safetensors";
const FORMAT = "adapterkit-kadapter-task";

export type KnowledgeTaskKind = "entity-typing" | "relation-classification";

/** A downstream K-Adapter task over the kit's base: knowledge adapters, fusion and head, ready to predict. */
export class KnowledgeTaskAdapter {
  readonly model: KAdapterModel;

  constructor(
    readonly name: string,
    readonly kind: KnowledgeTaskKind,
    readonly labels: readonly string[],
    readonly maxSeqLength: number,
    base: BertModel,
    readonly knowledge: readonly { name: string; adapter: KnowledgeAdapter }[],
    fusion: KnowledgeFusion | null,
    readonly head: EntityTypingHead | RelationClassificationHead,
  ) {
    this.model = new KAdapterModel(base, knowledge.map((k) => k.adapter), fusion);
  }

  /** hiddenStates of this task's rows (from the shared forward), markers (B·P) -> logits (B,C). */
  logits(hiddenStates: readonly Tensor[], attentionMask: EncoderInput["attentionMask"], markers: Int32Array, ctx: ForwardContext): Tensor {
    const { features } = this.model.fromHiddenStates(hiddenStates, attentionMask, ctx);
    if (this.head instanceof EntityTypingHead) return this.head.forward(features, markers, ctx);
    const B = markers.length / 2;
    return this.head.forward(features, Int32Array.from({ length: B }, (_, b) => markers[2 * b]), Int32Array.from({ length: B }, (_, b) => markers[2 * b + 1]), ctx);
  }

  info(): AdapterInfo {
    const own = [...this.knowledge.flatMap((k) => k.adapter.parameters()), ...(this.model.fusion?.parameters() ?? []), ...this.head.parameters()];
    const parameters = own.reduce((n, t) => n + t.size, 0);
    return { name: this.name, kind: `k-adapter (${this.knowledge.map((k) => k.name).join(", ") || "no knowledge adapter"})`, head: this.kind === "entity-typing" ? "multilabel" : "classification", labels: this.labels, parameters, bytes: 4 * parameters };
  }
}

export interface TaskFolderContents {
  task: "openentity" | "tacred";
  labels: readonly string[];
  maxSeqLength: number;
  hiddenSize: number;
  /** The encoder the task ran over: whether the run fine-tuned it, and its fingerprint (BertModel.fingerprint). */
  encoderFineTuned: boolean;
  encoderSha256: string;
  knowledge: readonly { name: string; adapter: KnowledgeAdapter }[];
  fusion: KnowledgeFusion | null;
  fusionMode: FusionMode;
  head: EntityTypingHead | RelationClassificationHead;
}

/** Every tensor task.safetensors holds, under its name there: fusion.*, head.*, knowledge.<k>.<reference name>. */
function taskTensors(fusion: KnowledgeFusion | null, head: Module, knowledge: readonly { adapter: KnowledgeAdapter }[]): [string, Tensor][] {
  return [
    ...(fusion?.namedParameters("fusion.") ?? []), ...head.namedParameters("head."),
    ...knowledge.flatMap(({ adapter }, k) => adapter.namedParameters().map(([n, t]): [string, Tensor] => [`knowledge.${k}.${kadapterReferenceName(n)}`, t])),
  ];
}

export async function saveKnowledgeTaskFolder(dir: string, c: TaskFolderContents): Promise<void> {
  const records = taskTensors(c.fusion, c.head, c.knowledge).map(([name, t]) => ({ name, dtype: "F32" as const, shape: [...t.shape], data: Float32Array.from(t.data) }));
  const config = {
    format: FORMAT, format_version: 1, task: c.task, labels: c.labels, max_seq_length: c.maxSeqLength, fusion: c.fusionMode,
    hidden_size: c.hiddenSize, dropout: c.head.options.dropout ?? 0.1,
    encoder: { fine_tuned: c.encoderFineTuned, sha256: c.encoderSha256 },
    knowledge: c.knowledge.map(({ name, adapter }) => ({ name, config: toKAdapterJson(adapter.config) })),
  };
  await writeFilesAtomic(dir, { [TASK_CONFIG_FILE]: JSON.stringify(config, null, 2) + "\n", [TASK_WEIGHTS_FILE]: encodeSafetensors(records) });
}

type Json = Record<string, unknown>;

/** Reads a task folder as `name` over `base`; baseFingerprint: base.fingerprint(), computed once by the caller. */
export async function loadKnowledgeTaskFolder(e: Engine, dir: string, base: BertModel, name: string, baseFingerprint: string): Promise<KnowledgeTaskAdapter> {
  checkAdapterName(name);
  const configPath = join(dir, TASK_CONFIG_FILE);
  const json = await readJson(configPath) as Json;
  const where = `K-Adapter task "${name}" (${configPath})`;
  if (json.format !== FORMAT) throw new FormatError(`${where}: expected format "${FORMAT}", got ${JSON.stringify(json.format)}`);
  const task = json.task;
  if (task !== "openentity" && task !== "tacred") throw new FormatError(`${where}: expected task "openentity" or "tacred", got ${JSON.stringify(task)}`);
  const labels = json.labels;
  if (!Array.isArray(labels) || labels.length < 1 || !labels.every((l) => typeof l === "string")) throw new FormatError(`${where}: expected "labels" to be a list of strings`);
  const fusionMode = json.fusion as FusionMode;
  if (!FUSION_MODES.includes(fusionMode)) throw new FormatError(`${where}: expected "fusion" ${FUSION_MODES.join(" or ")}, got ${JSON.stringify(json.fusion)}`);
  const maxSeqLength = json.max_seq_length;
  if (!(Number.isInteger(maxSeqLength) && (maxSeqLength as number) >= 2)) throw new FormatError(`${where}: expected an integer "max_seq_length", got ${JSON.stringify(maxSeqLength)}`);
  const encoder = (json.encoder ?? {}) as Json;
  if (encoder.sha256 !== baseFingerprint) {
    throw new ConfigError(encoder.fine_tuned
      ? `${where}: this task fine-tuned its own encoder; expected the kit's base to be that encoder (the run's model/ folder, sha256 ${String(encoder.sha256).slice(0, 12)}...), got another`
      : `${where}: expected the base model the task was trained over (sha256 ${String(encoder.sha256).slice(0, 12)}...), got another`);
  }
  const H = base.config.hiddenSize;
  const knowledgeJson = Array.isArray(json.knowledge) ? json.knowledge as Json[] : [];
  const knowledge = knowledgeJson.map((k, i) => ({ name: String(k.name), adapter: new KnowledgeAdapter(e, fromKAdapterJson(k.config, `${configPath} knowledge[${i}]`), new Rng(0)) }));
  const fusion = knowledge.length ? new KnowledgeFusion(e, fusionMode, H, knowledge.length, new Rng(0)) : null;
  const dropout = typeof json.dropout === "number" ? json.dropout : 0.1;
  const head = task === "openentity"
    ? new EntityTypingHead(e, { hiddenSize: H, numTypes: labels.length, dropout }, new Rng(0))
    : new RelationClassificationHead(e, { hiddenSize: H, numRelations: labels.length, dropout }, new Rng(0));
  const weightsPath = join(dir, TASK_WEIGHTS_FILE);
  const weights = new Map((await readSafetensors(weightsPath)).records.map((r) => [r.name, toFloat32(r)]));
  copyWeights(taskTensors(fusion, head, knowledge), weights, `K-Adapter task "${name}" (${weightsPath})`);
  const kind = task === "openentity" ? "entity-typing" : "relation-classification";
  return new KnowledgeTaskAdapter(name, kind, labels as string[], maxSeqLength as number, base, knowledge, fusion, head);
}
