// Fuzzing the checkpoint readers (issue 3, "Bad input"). Valid seeds (the committed tiny-bert/tiny-roberta
// fixtures, and TF checkpoints built by tf-checkpoint-writer.ts) are mutated with a seeded Rng, and every
// mutated input must end in a valid parse or an EngineError (FormatError, DTypeError, ...; InternalError
// counts as a crash: it means a bug), within 2 s, without the process growing past a memory bound.
// Anything else is a crash, reported with its replay info: target, seed and iteration (each case has its own
// Rng, so one case replays alone) and the mutations that made it.
//
// Targets and their inputs:
//   safetensors        parseSafetensors(bytes)       header length, JSON header edits, truncation, bytes
//   safetensors-index  readSafetensorsIndex(dir)     index JSON (weight_map) edits, shard edits
//   pytorch            parsePytorchBin(bytes)        zip EOCD/central/local fields, pickle opcodes, storages
//   tf-index           parseTfCheckpointIndex(bytes) SSTable blocks (re-CRC'd), handles, restarts, varints,
//                                                    BundleEntryProto/BundleHeaderProto fields, keys
//   tf-checkpoint      readTfCheckpoint(dir)         the above plus the data shard files
//
// Files, by concept:
//   random.ts          the seeded FuzzRng, per-case seeds, boundary values for fields
//   bytes.ts           little-endian integers, concatenation, varints
//   mutate-bytes.ts    generic byte mutations, truncation, invalid UTF-8, bad varints
//   json.ts            hostile JSON text, raw text spliced into JSON
//   safetensors.ts     safetensors and safetensors-index mutators
//   pickle.ts          data.pkl (pickle opcode) mutator
//   pytorch.ts         pytorch_model.bin (zip archive) mutator
//   sstable.ts         LevelDB table file mutator (the TF checkpoint index)
//   tf-protos.ts       BundleEntryProto / BundleHeaderProto edits
//   tf-checkpoint.ts   TF checkpoint seeds in memory, the tf-index mutator
//   seeds.ts           the valid inputs of each target
//   targets.ts         the targets (seeds, mutation, reader) and makeCase
//   classify.ts        running one case and classifying its outcome; crash reports
//   runner.ts          campaigns in watched worker threads (and the worker entry point), replaying one case
export { formatCrash, isCrash, type Crash } from "./classify.js";
export { replayCase, runCampaign, type CampaignResult } from "./runner.js";
export { TARGETS, type TargetName } from "./targets.js";
