// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven one byte at a time, plus the
// LevelDB/TensorFlow "mask" applied to CRCs stored in files.
//
// Why masking: a CRC computed over bytes that embed other CRCs is weak, so LevelDB and TensorFlow store
// mask(crc) = rotr15(crc) + 0xa282ead8 (tensorflow/core/lib/hash/crc32c.h, kMaskDelta). Both checksums of a
// TF checkpoint are stored masked:
// - SSTable block trailers: table_builder.cc WriteRawBlock stores Mask(Extend(Value(contents), type byte));
//   format.cc ReadBlock checks Unmask(DecodeFixed32(data + n + 1)) == Value(data, n + 1).
// - BundleEntryProto.crc32c: tensor_bundle.cc BundleWriter::Add stores crc32c::Mask(out_->crc32c()), the
//   plain CRC-32C of the tensor's bytes; BundleReader::GetValue compares Unmask(entry.crc32c()) with
//   crc32c::Value(backing_buffer, entry.size()).
// (tensorflow/tensorflow, tensorflow/core/lib/io/{format,table_builder}.cc and
// tensorflow/core/util/tensor_bundle/tensor_bundle.cc.)

const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32C of `bytes`, continuing from `crc` (the CRC of the bytes before them; 0 to start). */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const MASK_DELTA = 0xa282ead8;

export function maskCrc32c(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

export function unmaskCrc32c(masked: number): number {
  const rotated = (masked - MASK_DELTA) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}
