// `pytorch_model.bin` as torch.save writes it: since torch 1.6 a zip archive (below); before, the legacy
// layout (parseLegacy) that K-Adapter's released checkpoints use. The zip archive:
//   <archive>/data.pkl       the pickled state dict: OrderedDict name -> tensor
//   <archive>/data/<key>     one raw little-endian storage per key; tensors are views into storages
//   <archive>/version, <archive>/byteorder (torch >= 2.1, "little"), <archive>/.data/serialization_id
// In data.pkl a tensor is REDUCE(torch._utils._rebuild_tensor_v2, (storage, storage_offset, size, stride,
// requires_grad, backward_hooks[, metadata])) and its storage is BINPERSID(('storage', torch.FloatStorage,
// key, location, numel)). Offsets and strides count elements. Views are made contiguous here; storages are
// read once, so tied weights (one tensor under two names) and slices of a fused storage share the bytes.
import { formatShape, shapeSize, type DType } from "../dtype.js";
import { FormatError } from "../errors.js";
import { freshBytes, openForRead, readExactly, type Allocate } from "./file-read.js";
import { pickleTypeName, unpickle, unpickleAt, type PickleGlobal, type PickleTuple, type PickleValue, type UnpicklePolicy } from "./pickle.js";
import { DTYPE_BYTES, recordFromBytes, upcastHalf, type TensorRecord } from "./tensor-record.js";
import { readZipDirectory, readZipEntry } from "./zip.js";

export interface PytorchBinReadOptions {
  /** Keep float16/bfloat16 tensors as raw F16/BF16 records instead of upcasting them to F32. */
  keepHalf?: boolean;
  /** Memory for the whole file (default: a fresh Uint8Array). */
  allocate?: Allocate;
}

/** Storage classes a state dict may reference (torch.<name>), and their element types. A Map, not an object
 * literal, so that names like "constructor" are not found on a prototype. */
const STORAGE_DTYPES: ReadonlyMap<string, DType> = new Map([
  ["FloatStorage", "F32"], ["HalfStorage", "F16"], ["BFloat16Storage", "BF16"], ["DoubleStorage", "F64"],
  ["LongStorage", "I64"], ["IntStorage", "I32"], ["CharStorage", "I8"], ["ByteStorage", "U8"], ["BoolStorage", "BOOL"],
]);

/** The only callables a state dict needs; everything else (os.system, builtins.eval, ...) is refused. */
const ALLOWED_CALLABLES = new Set([
  "collections.OrderedDict",
  "torch._utils._rebuild_tensor_v2",
  "torch._utils._rebuild_parameter",
]);

interface StorageRef {
  kind: "storage";
  dtype: DType;
  key: string;
  numel: number;
}

interface TensorRef {
  kind: "tensor";
  storage: StorageRef;
  offset: number;
  shape: number[];
  stride: number[];
}

type TorchValue = PickleValue<StorageRef | TensorRef>;

function asCount(value: TorchValue, what: string, fail: (m: string) => never): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) return fail(`${what} must be a non-negative int, got ${pickleTypeName(value)} ${String(value)}`);
  return value;
}

function asCounts(value: TorchValue, what: string, fail: (m: string) => never): number[] {
  if (value === null || typeof value !== "object" || value.kind !== "tuple") return fail(`${what} must be a tuple, got ${pickleTypeName(value)}`);
  return value.items.map((item, i) => asCount(item, `${what}[${i}]`, fail));
}

function isEmptyHooks(value: TorchValue): boolean {
  return value === null || (typeof value === "object" && value.kind === "dict" && value.entries.length === 0);
}

function rebuildTensor(args: PickleTuple<StorageRef | TensorRef>, fail: (m: string) => never): TorchValue {
  const [storage, offset, size, stride, , hooks] = args.items;
  if (args.items.length < 6 || args.items.length > 7) return fail(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${args.items.length}`);
  if (storage === null || typeof storage !== "object" || storage.kind !== "extension" || storage.value.kind !== "storage") {
    return fail(`_rebuild_tensor_v2 needs a storage, got ${pickleTypeName(storage)}`);
  }
  if (!isEmptyHooks(hooks)) return fail("_rebuild_tensor_v2 with backward hooks; a state dict has none");
  const tensor: TensorRef = {
    kind: "tensor",
    storage: storage.value,
    offset: asCount(offset, "storage_offset", fail),
    shape: asCounts(size, "size", fail),
    stride: asCounts(stride, "stride", fail),
  };
  if (tensor.shape.length !== tensor.stride.length) return fail(`size ${formatShape(tensor.shape)} and stride ${formatShape(tensor.stride)} differ in rank`);
  return { kind: "extension", value: tensor };
}

const torchPolicy: UnpicklePolicy<StorageRef | TensorRef> = {
  allowGlobal(module, name) {
    return ALLOWED_CALLABLES.has(`${module}.${name}`) || (module === "torch" && STORAGE_DTYPES.has(name));
  },
  reduce(callable: PickleGlobal, args, fail) {
    switch (`${callable.module}.${callable.name}`) {
      case "collections.OrderedDict":
        if (args.items.length !== 0) return fail("OrderedDict with arguments; a state dict pickles it empty");
        return { kind: "dict", entries: [] };
      case "torch._utils._rebuild_tensor_v2":
        return rebuildTensor(args, fail);
      case "torch._utils._rebuild_parameter": { // (data, requires_grad, backward_hooks): the data is the tensor
        const data = args.items[0];
        if (args.items.length !== 3 || data === null || typeof data !== "object" || data.kind !== "extension" || data.value.kind !== "tensor") {
          return fail("_rebuild_parameter needs (tensor, requires_grad, backward_hooks)");
        }
        return data;
      }
      default:
        return fail(`${callable.module}.${callable.name} cannot be called`);
    }
  },
  persistentLoad(pid, fail) {
    // zip: ('storage', type, key, location, numel); legacy: the same plus view metadata, None unless a storage view
    if (pid === null || typeof pid !== "object" || pid.kind !== "tuple" || (pid.items.length !== 5 && pid.items.length !== 6) || pid.items[0] !== "storage") {
      return fail(`persistent id must be ('storage', type, key, location, numel[, view]), got ${pickleTypeName(pid)}`);
    }
    if (pid.items.length === 6 && pid.items[5] !== null) return fail("storage views (legacy view metadata) are not supported; hint: re-save the state dict with a recent torch");
    const [, type, key, , numel] = pid.items;
    const dtype = type !== null && typeof type === "object" && type.kind === "global" && type.module === "torch" ? STORAGE_DTYPES.get(type.name) : undefined;
    if (dtype === undefined) {
      return fail(`storage type must be one of torch.${[...STORAGE_DTYPES.keys()].join(", torch.")}, got ${pickleTypeName(type)}`);
    }
    if (typeof key !== "string") return fail(`storage key must be a str, got ${pickleTypeName(key)}`);
    return { kind: "extension", value: { kind: "storage", dtype, key, numel: asCount(numel, "storage numel", fail) } };
  },
};

// torch.save before 1.6 (or with _use_new_zipfile_serialization=False) starts with a pickled magic number:
// PROTO 2, LONG1 of 10 bytes = 0x1950a86a20f9469cfc6c.
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const LEGACY_MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

function isLegacy(bytes: Uint8Array): boolean {
  return LEGACY_MAGIC.every((b, i) => bytes[i] === b);
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Copies a strided view of `storage` (element size `itemBytes`) into a contiguous row-major buffer. */
function gather(storage: Uint8Array, itemBytes: number, offset: number, shape: number[], stride: number[]): Uint8Array {
  const numel = shapeSize(shape);
  // Work in words of up to 4 bytes; 8-byte elements are two words.
  const wordBytes = Math.min(itemBytes, 4);
  const wordsPerItem = itemBytes / wordBytes;
  const out = new Uint8Array(numel * itemBytes);
  const words = (b: Uint8Array): Uint8Array | Uint16Array | Uint32Array =>
    wordBytes === 1 ? b : wordBytes === 2 ? new Uint16Array(b.buffer, b.byteOffset, b.length / 2) : new Uint32Array(b.buffer, b.byteOffset, b.length / 4);
  const src = words(storage.byteOffset % wordBytes === 0 ? storage : new Uint8Array(storage));
  const dst = words(out);
  const index = new Array<number>(shape.length).fill(0);
  let source = offset;
  for (let i = 0; i < numel; i++) {
    for (let w = 0; w < wordsPerItem; w++) dst[i * wordsPerItem + w] = src[source * wordsPerItem + w];
    // Advance the multi-index like an odometer, innermost dim first.
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] += 1;
      source += stride[d];
      if (index[d] < shape[d]) break;
      source -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** Parses torch.save bytes (the zip format, or the legacy one before torch 1.6); `fileLabel` names the file in errors. */
export function parsePytorchBin(bytes: Uint8Array, fileLabel: string, options: PytorchBinReadOptions = {}): TensorRecord[] {
  const label = `pytorch(${fileLabel})`;
  if (!isZip(bytes)) {
    if (isLegacy(bytes)) return parseLegacy(bytes, fileLabel, options);
    throw new FormatError(`${label}: neither a torch.save zip archive ("PK\\x03\\x04" at offset 0) nor the legacy torch.save format (its pickled magic number)`);
  }
  const entries = readZipDirectory(bytes, label);
  const pickles = [...entries.values()].filter((entry) => /^[^/]+\/data\.pkl$/.test(entry.name));
  const pickleEntry = pickles[0];
  if (pickleEntry === undefined || pickles.length > 1) {
    throw new FormatError(`${label}: expected one "<archive>/data.pkl" entry, found ${pickles.length ? pickles.map((e) => e.name).join(", ") : "none"}`);
  }
  const archive = pickleEntry.name.slice(0, -"/data.pkl".length);
  const byteorder = entries.get(`${archive}/byteorder`);
  if (byteorder !== undefined) {
    const order = new TextDecoder().decode(readZipEntry(bytes, byteorder, label)).trim();
    if (order !== "little") throw new FormatError(`${label}: byteorder "${order}"; only little-endian archives are supported`);
  }
  const root = unpickle(readZipEntry(bytes, pickleEntry, label), `${fileLabel}/data.pkl`, torchPolicy);
  return stateDictRecords(root, label, options, (name, ref) => {
    const entry = entries.get(`${archive}/data/${ref.key}`);
    if (entry === undefined) throw new FormatError(`${label}: tensor "${name}": storage "${archive}/data/${ref.key}" is missing from the archive`);
    return readZipEntry(bytes, entry, label);
  }, "data.pkl");
}

/**
 * The legacy torch.save layout (torch < 1.6, or _use_new_zipfile_serialization=False; K-Adapter's released
 * checkpoints): five pickles, then the storages. The pickles are the magic number, the protocol version
 * (1001), the system info (byte order, type sizes), the state dict (the same tensor rebuilds as the zip
 * format, storages as persistent ids) and the sorted list of storage keys; then, for each key in that
 * order, its element count (int64, little-endian) and its raw bytes.
 */
function parseLegacy(bytes: Uint8Array, fileLabel: string, options: PytorchBinReadOptions): TensorRecord[] {
  const label = `pytorch(${fileLabel}, legacy format)`;
  const plain: UnpicklePolicy<never> = {
    allowGlobal: () => false,
    reduce: (_callable, _args, fail) => fail("a header pickle calls nothing"),
    persistentLoad: (_pid, fail) => fail("a header pickle has no persistent ids"),
  };
  let at = 0;
  const next = <T>(what: string, policy: UnpicklePolicy<T>): PickleValue<T> => {
    const { value, end } = unpickleAt(bytes, at, `${fileLabel} ${what}`, policy);
    at = end;
    return value;
  };
  if (next("magic number", plain) !== LEGACY_MAGIC_NUMBER) throw new FormatError(`${label}: expected the legacy magic number at offset 0`);
  const protocol = next("protocol version", plain);
  if (protocol !== LEGACY_PROTOCOL) throw new FormatError(`${label}: expected protocol version ${LEGACY_PROTOCOL}, got ${String(protocol)}`);
  const info = next("system info", plain);
  const littleEndian = info !== null && typeof info === "object" && info.kind === "dict" ? info.entries.find(([k]) => k === "little_endian")?.[1] : undefined;
  if (littleEndian !== true) throw new FormatError(`${label}: expected system info with little_endian = True, got ${pickleTypeName(info)}`);
  const root = next("state dict", torchPolicy);
  const keys = next("storage keys", plain);
  if (keys === null || typeof keys !== "object" || keys.kind !== "list" || !keys.items.every((k) => typeof k === "string")) {
    throw new FormatError(`${label}: expected the list of storage keys after the state dict, got ${pickleTypeName(keys)}`);
  }
  const storages = new Map<string, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const refs = storageRefs(root);
  for (const key of keys.items as string[]) {
    const ref = refs.get(key);
    if (ref === undefined) throw new FormatError(`${label}: storage "${key}" is listed at offset ${at} but no tensor uses it`);
    if (at + 8 > bytes.length) throw new FormatError(`${label}: storage "${key}": truncated at offset ${at}, expected its element count`);
    const numel = view.getBigInt64(at, true);
    if (numel !== BigInt(ref.numel)) throw new FormatError(`${label}: storage "${key}" at offset ${at} holds ${numel} elements, expected ${ref.numel}`);
    const size = ref.numel * DTYPE_BYTES[ref.dtype];
    if (at + 8 + size > bytes.length) throw new FormatError(`${label}: storage "${key}": truncated at offset ${at + 8}, expected ${size} bytes, ${bytes.length - at - 8} left`);
    storages.set(key, bytes.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  if (at !== bytes.length) throw new FormatError(`${label}: ${bytes.length - at} bytes after the last storage (offset ${at})`);
  return stateDictRecords(root, label, options, (name, ref) => {
    const data = storages.get(ref.key);
    if (data === undefined) throw new FormatError(`${label}: tensor "${name}": storage "${ref.key}" is not in the file's list of storages`);
    return data;
  });
}

/** Every storage a state dict's tensors use, by key. */
function storageRefs(root: TorchValue): Map<string, StorageRef> {
  const refs = new Map<string, StorageRef>();
  if (root !== null && typeof root === "object" && root.kind === "dict") {
    for (const [, value] of root.entries) {
      if (value !== null && typeof value === "object" && value.kind === "extension" && value.value.kind === "tensor") refs.set(value.value.storage.key, value.value.storage);
    }
  }
  return refs;
}

/** The state dict's tensors as records; `storageBytes` finds a storage's bytes in the file. */
function stateDictRecords(root: TorchValue, label: string, options: PytorchBinReadOptions, storageBytes: (name: string, ref: StorageRef) => Uint8Array, pickleName = "the pickle"): TensorRecord[] {
  if (root === null || typeof root !== "object" || root.kind !== "dict") {
    throw new FormatError(`${label}: ${pickleName} holds a ${pickleTypeName(root)}, expected a state dict (name -> tensor)`);
  }
  const storages = new Map<string, LoadedStorage>();
  const loadStorage = (name: string, ref: StorageRef): LoadedStorage => {
    const cached = storages.get(ref.key);
    if (cached !== undefined) {
      // Bytes sized for the first reference must not be read as more elements, or as another type.
      if (cached.ref.dtype !== ref.dtype || cached.ref.numel !== ref.numel) {
        throw new FormatError(`${label}: tensor "${name}": storage "${ref.key}" is referenced as ${ref.numel} ${ref.dtype} elements, but earlier as ${cached.ref.numel} ${cached.ref.dtype} elements`);
      }
      return cached;
    }
    const data = storageBytes(name, ref);
    if (data.length !== ref.numel * DTYPE_BYTES[ref.dtype]) {
      throw new FormatError(`${label}: tensor "${name}": storage "${ref.key}" has ${data.length} bytes, expected ${ref.numel} ${ref.dtype} elements (${ref.numel * DTYPE_BYTES[ref.dtype]} bytes)`);
    }
    const loaded: LoadedStorage = { ref, bytes: data, copiedBytes: 0 };
    storages.set(ref.key, loaded);
    return loaded;
  };
  // Identical views (tied weights: one tensor under two names, memoized or not) share one record's data, so
  // each is copied and upcast once however many names point at it.
  const views = new Map<string, TensorRecord>();
  return root.entries.map(([key, value]) => {
    if (typeof key !== "string") throw new FormatError(`${label}: state dict key is a ${pickleTypeName(key)}, expected str`);
    if (value === null || typeof value !== "object" || value.kind !== "extension" || value.value.kind !== "tensor") {
      throw new FormatError(`${label}: state dict value "${key}" is a ${pickleTypeName(value)}, expected a tensor; hint: a training checkpoint holds more than weights, save model.state_dict() alone`);
    }
    const tensor = value.value;
    const viewId = `${tensor.storage.key}:${tensor.storage.dtype}:${tensor.offset}:${formatShape(tensor.shape)}:${formatShape(tensor.stride)}`;
    let record = views.get(viewId);
    if (record === undefined) {
      const materialized = materialize(key, tensor, loadStorage(key, tensor.storage), label);
      record = options.keepHalf ? materialized : upcastHalf(materialized);
      views.set(viewId, record);
    }
    return { ...record, name: key };
  });
}

/** A storage's bytes, and how many of them strided views have copied so far. */
interface LoadedStorage {
  ref: StorageRef;
  bytes: Uint8Array;
  copiedBytes: number;
}

/**
 * The contiguous record of a tensor view, after checking the view stays inside its storage and, before
 * anything is allocated, that it is no larger than the storage.
 */
function materialize(name: string, tensor: TensorRef, storage: LoadedStorage, label: string): TensorRecord {
  const { dtype, key, numel: storageNumel } = tensor.storage;
  const itemBytes = DTYPE_BYTES[dtype];
  const numel = shapeSize(tensor.shape);
  const view = `view (offset ${tensor.offset}, size ${formatShape(tensor.shape)}, stride ${formatShape(tensor.stride)})`;
  // Only a view that repeats elements (expand, stride 0) has more elements than its storage; such a view of
  // a few bytes could claim gigabytes.
  if (numel > storageNumel) {
    throw new FormatError(`${label}: tensor "${name}": ${view} has ${numel} elements, more than its ${storageNumel}-element storage "${key}"; views that repeat elements (expand, stride 0) are not supported; hint: save tensor.contiguous()`);
  }
  let last = tensor.offset;
  for (let d = 0; d < tensor.shape.length; d++) last += (tensor.shape[d] - 1) * tensor.stride[d];
  if (numel > 0 && last >= storageNumel) {
    throw new FormatError(`${label}: tensor "${name}": ${view} reaches element ${last} of a ${storageNumel}-element storage`);
  }
  if (isContiguous(tensor.shape, tensor.stride)) {
    const begin = tensor.offset * itemBytes;
    return recordFromBytes(name, dtype, tensor.shape, storage.bytes.subarray(begin, begin + numel * itemBytes));
  }
  // Strided views are copied; distinct views of one storage (q/k/v slices, a transpose) copy at most the
  // storage once over, so many overlapping views cannot multiply a small file into a huge allocation.
  storage.copiedBytes += numel * itemBytes;
  if (storage.copiedBytes > storage.bytes.length) {
    throw new FormatError(`${label}: tensor "${name}": strided views of storage "${key}" copy ${storage.copiedBytes} bytes, more than its ${storage.bytes.length}; overlapping strided views are not supported; hint: save tensor.contiguous()`);
  }
  return recordFromBytes(name, dtype, tensor.shape, gather(storage.bytes, itemBytes, tensor.offset, tensor.shape, tensor.stride));
}

/** Reads a torch.save zip archive holding a state dict (e.g. pytorch_model.bin). */
export async function readPytorchBin(path: string, options: PytorchBinReadOptions = {}): Promise<TensorRecord[]> {
  // One whole-file read into one fresh buffer (storages are views into it; torch aligns zip entries to 64
  // bytes): handle.readFile's 512 KB steps took twice as long on BERT-base's 438 MB.
  const label = `pytorch(${path})`;
  const handle = await openForRead(path, label);
  let bytes: Uint8Array;
  try {
    bytes = freshBytes((await handle.stat()).size, options.allocate);
    await readExactly(handle, bytes, 0, label);
  } finally {
    await handle.close();
  }
  return parsePytorchBin(bytes, path, options);
}
