// TensorRecord: one named tensor as a checkpoint file holds it, before any name mapping.
// `data` is row-major and contiguous, `shape` outermost first, and the typed array matches `dtype`, so a
// `switch (record.dtype)` narrows `data` without casts. F16/BF16 keep their raw bit patterns (Uint16Array).
// Readers may hand out views that share memory (tied weights, one read buffer): copy before mutating.
import { formatShape, shapeSize, type DType } from "../dtype.js";
import { assert, DTypeError, FormatError } from "../errors.js";
import { bf16ToFloat32, f16ToFloat32 } from "./half-float.js";

interface RecordOf<D extends DType, A> {
  name: string;
  dtype: D;
  shape: number[];
  data: A;
}

export type F32Record = RecordOf<"F32", Float32Array>;
export type F16Record = RecordOf<"F16", Uint16Array>;
export type BF16Record = RecordOf<"BF16", Uint16Array>;
export type F64Record = RecordOf<"F64", Float64Array>;
export type I32Record = RecordOf<"I32", Int32Array>;
export type I64Record = RecordOf<"I64", BigInt64Array>;
export type I8Record = RecordOf<"I8", Int8Array>;
export type U8Record = RecordOf<"U8", Uint8Array>;
/** One byte per element, 0 or 1, as safetensors, PyTorch and TensorFlow store bools. */
export type BoolRecord = RecordOf<"BOOL", Uint8Array>;

export type TensorRecord =
  | F32Record | F16Record | BF16Record | F64Record | I32Record | I64Record | I8Record | U8Record | BoolRecord;

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I8: 1, U8: 1, BOOL: 1,
};

// Typed arrays use the host byte order and every format here is little-endian. All platforms Node ships for
// are little-endian; refuse loudly rather than return byte-swapped weights on one that is not.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A record over little-endian `bytes` (exactly numel * DTYPE_BYTES[dtype] of them). The record views `bytes`
 * when they are aligned to the element size and copies them otherwise.
 */
export function recordFromBytes(name: string, dtype: DType, shape: number[], bytes: Uint8Array): TensorRecord {
  if (!HOST_IS_LITTLE_ENDIAN) throw new FormatError(`tensor "${name}": big-endian hosts are not supported`);
  const numel = shapeSize(shape);
  assert(bytes.length === numel * DTYPE_BYTES[dtype], `recordFromBytes(${name}): ${bytes.length} bytes for ${dtype} ${formatShape(shape)}`);
  // new Uint8Array(bytes) copies into a fresh buffer at offset 0 (Buffer#slice would not copy).
  const aligned = bytes.byteOffset % DTYPE_BYTES[dtype] === 0 ? bytes : new Uint8Array(bytes);
  const { buffer, byteOffset } = aligned;
  switch (dtype) {
    case "F32": return { name, dtype, shape, data: new Float32Array(buffer, byteOffset, numel) };
    case "F16": return { name, dtype, shape, data: new Uint16Array(buffer, byteOffset, numel) };
    case "BF16": return { name, dtype, shape, data: new Uint16Array(buffer, byteOffset, numel) };
    case "F64": return { name, dtype, shape, data: new Float64Array(buffer, byteOffset, numel) };
    case "I32": return { name, dtype, shape, data: new Int32Array(buffer, byteOffset, numel) };
    case "I64": return { name, dtype, shape, data: new BigInt64Array(buffer, byteOffset, numel) };
    case "I8": return { name, dtype, shape, data: new Int8Array(buffer, byteOffset, numel) };
    case "U8": return { name, dtype, shape, data: new Uint8Array(buffer, byteOffset, numel) };
    case "BOOL": return { name, dtype, shape, data: new Uint8Array(buffer, byteOffset, numel) };
  }
}

/** The little-endian bytes of a record's data (a view, no copy). */
export function recordBytes(record: TensorRecord): Uint8Array {
  return new Uint8Array(record.data.buffer, record.data.byteOffset, record.data.byteLength);
}

/**
 * The record's values as float32: F32 as is (same array), F16/BF16 upcast exactly, F64 rounded to nearest.
 * Integer and bool tensors are not weights, so asking for them as floats is a DTypeError.
 */
export function toFloat32(record: TensorRecord): Float32Array {
  switch (record.dtype) {
    case "F32": return record.data;
    case "F16": return f16ToFloat32(record.data);
    case "BF16": return bf16ToFloat32(record.data);
    case "F64": return Float32Array.from(record.data);
    default:
      throw new DTypeError(`toFloat32(${record.name}): expected a float tensor (F32, F16, BF16, F64), got ${record.dtype} ${formatShape(record.shape)}`);
  }
}

/** F16/BF16 records become F32 records (exact); others pass through unchanged. */
export function upcastHalf(record: TensorRecord): TensorRecord {
  if (record.dtype !== "F16" && record.dtype !== "BF16") return record;
  return { name: record.name, dtype: "F32", shape: record.shape, data: toFloat32(record) };
}
