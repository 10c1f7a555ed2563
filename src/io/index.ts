// io/: reading the checkpoint formats users already have (safetensors, pytorch_model.bin, Google TF
// checkpoints) into TensorRecords, and writing files without ever leaving one half-written.

// tensor records and 16-bit float conversions
export {
  DTYPE_BYTES, recordFromBytes, toFloat32, upcastHalf,
  type BF16Record, type BoolRecord, type F16Record, type F32Record, type F64Record, type I32Record, type I64Record,
  type I8Record, type TensorRecord, type U8Record,
} from "./tensor-record.js";
export { bf16ToFloat32, f16ToFloat32, float32ToBF16, float32ToF16 } from "./half-float.js";

// atomic writes
export { writeFileAtomic, writeFilesAtomic, type FileContents } from "./atomic-write.js";

// safetensors (single file and sharded)
export {
  encodeSafetensors, parseSafetensors, readSafetensors, writeSafetensors,
  type FloatStorage, type SafetensorsContents, type SafetensorsReadOptions, type SafetensorsWriteOptions,
} from "./safetensors.js";
export { readSafetensorsIndex, type ShardedSafetensors } from "./safetensors-index.js";

// pytorch_model.bin (torch.save zip + restricted unpickler)
export { parsePytorchBin, readPytorchBin, type PytorchBinReadOptions } from "./pytorch-bin.js";

// Google TF checkpoints
export {
  parseTfCheckpointIndex, readTfCheckpoint, readTfCheckpointIndex, tfCheckpointPrefix, tfDataFileName,
  type TfCheckpointEntry, type TfCheckpointIndex, type TfCheckpointReadOptions,
} from "./tf-checkpoint.js";

// a model folder, whatever it holds
export {
  readCheckpointDir, type CheckpointDir, type CheckpointDirOptions, type CheckpointFormat,
} from "./checkpoint-dir.js";
export { readJson } from "./json-file.js";
