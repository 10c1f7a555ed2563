// Mutator for the pickle (data.pkl) inside a torch.save archive: opcodes, ints, lengths, strings, globals.
import { concat, readUint, writeUint } from "./bytes.js";
import type { Mutation } from "./mutate-bytes.js";
import { interesting, type FuzzRng } from "./random.js";

/** Argument bytes of the opcodes torch.save writes (and the unpickler reads); other opcodes take none. */
type OpArgs = number | "lines" | "long1" | "u32len" | "u8len";
const OP_ARGS: ReadonlyMap<number, OpArgs> = new Map<number, OpArgs>([
  [0x80, 1], [0x95, 8], [0x4b, 1], [0x4d, 2], [0x4a, 4], [0x47, 8], [0x71, 1], [0x72, 4], [0x68, 1], [0x6a, 4],
  [0x8a, "long1"], [0x58, "u32len"], [0x8c, "u8len"], [0x63, "lines"],
]);

interface PickleOp { op: number; at: number; end: number }

/** The opcodes of a valid seed pickle, with their byte ranges. */
function pickleOps(bytes: Uint8Array): PickleOp[] {
  const ops: PickleOp[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const op = bytes[pos];
    const args = OP_ARGS.get(op) ?? 0;
    let end = pos + 1;
    if (typeof args === "number") end += args;
    else if (args === "long1" || args === "u8len") end += 1 + bytes[pos + 1];
    else if (args === "u32len") end += 4 + readUint(bytes, pos + 1, 4);
    else end = bytes.indexOf(0x0a, bytes.indexOf(0x0a, pos) + 1) + 1;
    ops.push({ op, at: pos, end });
    pos = end;
  }
  return ops;
}

/** The smallest pickle int opcode holding `value` (BININT1, BININT2, BININT, else LONG1). */
function pickleInt(value: bigint): number[] {
  if (value >= 0n && value < 256n) return [0x4b, Number(value)];
  if (value >= 0n && value < 65536n) return [0x4d, Number(value & 0xffn), Number(value >> 8n)];
  if (value >= -(1n << 31n) && value < 1n << 31n) {
    const v = Number(BigInt.asUintN(32, value));
    return [0x4a, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  }
  const digits: number[] = [];
  let v = value;
  while (v !== 0n && v !== -1n) {
    digits.push(Number(BigInt.asUintN(8, v)));
    v >>= 8n;
  }
  if ((value >= 0n) !== ((digits[digits.length - 1] ?? 0) < 0x80)) digits.push(value >= 0n ? 0 : 0xff);
  return [0x8a, digits.length, ...digits];
}

function pickleStr(s: string | Uint8Array, short = false): number[] {
  const b = typeof s === "string" ? new TextEncoder().encode(s) : s;
  if (short && b.length < 256) return [0x8c, b.length, ...b];
  return [0x58, b.length & 0xff, (b.length >>> 8) & 0xff, (b.length >>> 16) & 0xff, b.length >>> 24, ...b];
}

const GLOBALS: readonly [string, string][] = [
  ["collections", "OrderedDict"], ["torch._utils", "_rebuild_tensor_v2"], ["torch._utils", "_rebuild_parameter"],
  ["torch", "FloatStorage"], ["torch", "HalfStorage"], ["torch", "BFloat16Storage"], ["torch", "DoubleStorage"],
  ["torch", "LongStorage"], ["torch", "IntStorage"], ["torch", "CharStorage"], ["torch", "ByteStorage"], ["torch", "BoolStorage"],
  ["torch", "constructor"], ["torch", "__proto__"], ["torch", "Tensor"], ["os", "system"], ["builtins", "eval"], ["", ""],
];

/** One random opcode with arguments, some lying about their lengths. */
function randomPickleOp(r: FuzzRng, strings: readonly string[]): { bytes: number[]; what: string } {
  const simple = [0x4e, 0x28, 0x88, 0x89, 0x7d, 0x5d, 0x29, 0x74, 0x85, 0x86, 0x87, 0x73, 0x75, 0x61, 0x65, 0x52, 0x62, 0x51, 0x2e, 0x94, 0x93];
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2: {
      const op = r.pick(simple);
      return { bytes: [op], what: `op 0x${op.toString(16)}` };
    }
    case 3: {
      const value = r.chance(0.5) ? interesting(r) : -interesting(r);
      return { bytes: pickleInt(value), what: `int ${value}` };
    }
    case 4: {
      const s = r.chance(0.7) && strings.length > 0 ? r.pick(strings) : r.pick(["storage", "cpu", "", "\u00e9"]);
      return { bytes: pickleStr(s, r.chance(0.5)), what: `str ${JSON.stringify(s)}` };
    }
    case 5: {
      const [module, name] = r.pick(GLOBALS);
      return { bytes: [0x63, ...new TextEncoder().encode(`${module}\n${name}\n`)], what: `GLOBAL ${module}.${name}` };
    }
    case 6: {
      const op = r.pick([0x71, 0x68, 0x72, 0x6a]);
      const index = r.chance(0.7) ? r.int(8) : Number(interesting(r) & 0xffffffffn);
      const arg = op === 0x71 || op === 0x68 ? [index & 0xff] : [index & 0xff, (index >>> 8) & 0xff, (index >>> 16) & 0xff, index >>> 24];
      return { bytes: [op, ...arg], what: `memo op 0x${op.toString(16)} ${index}` };
    }
    case 7: {
      const n = Number(r.pick([0n, 1n, 255n, 0x7fffffffn, 0xffffffffn]));
      const op = r.pick([0x58, 0x8c, 0x8a]);
      const length = op === 0x58 ? [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24] : [n & 0xff];
      return { bytes: [op, ...length, ...r.bytes(r.int(8))], what: `op 0x${op.toString(16)} claiming ${n} bytes` };
    }
    case 8: {
      const op = r.pick([0x80, 0x95, 0x47, 0x4d, 0x4a]);
      return { bytes: [op, ...r.bytes(r.int(9))], what: `op 0x${op.toString(16)} with random arguments` };
    }
    default: {
      const op = r.int(256);
      return { bytes: [op], what: `byte 0x${op.toString(16)}` };
    }
  }
}

export function mutatePickle(r: FuzzRng, input: Uint8Array): Mutation {
  const ops = pickleOps(input);
  const strings = ops.filter((o) => o.op === 0x58 || o.op === 0x8c).map((o) => new TextDecoder().decode(input.subarray(o.at + (o.op === 0x58 ? 5 : 2), o.end)));
  const i = r.int(ops.length);
  const op = ops[i];
  const splice = (at: number, end: number, insert: readonly number[] | Uint8Array, what: string): Mutation =>
    ({ bytes: concat(input.subarray(0, at), insert, input.subarray(end)), what: `data.pkl: ${what}` });
  switch (r.int(11)) {
    case 0: {
      const code = r.chance(0.8) ? r.pick([...OP_ARGS.keys(), 0x4e, 0x28, 0x74, 0x85, 0x86, 0x87, 0x73, 0x75, 0x61, 0x65, 0x52, 0x62, 0x51, 0x2e, 0x94, 0x93, 0x7d, 0x5d, 0x29]) : r.int(256);
      return splice(op.at, op.at + 1, [code], `opcode at ${op.at} 0x${op.op.toString(16)} -> 0x${code.toString(16)}`);
    }
    case 1: {
      const added = randomPickleOp(r, strings);
      return splice(op.at, op.at, added.bytes, `insert ${added.what} at ${op.at}`);
    }
    case 2: {
      const last = ops[Math.min(ops.length - 1, i + r.int(3))];
      return splice(op.at, last.end, [], `delete ops [${op.at}, ${last.end})`);
    }
    case 3: {
      const last = ops[Math.min(ops.length - 1, i + r.int(10))];
      const to = r.pick(ops).at;
      return splice(to, to, input.subarray(op.at, last.end), `copy ops [${op.at}, ${last.end}) to ${to}`);
    }
    case 4:
    case 5: {
      const ints = ops.filter((o) => o.op === 0x4b || o.op === 0x4d || o.op === 0x4a || o.op === 0x8a);
      if (ints.length === 0) break;
      const target = r.pick(ints);
      const value = r.chance(0.2) ? -interesting(r) : interesting(r, [0]);
      return splice(target.at, target.end, pickleInt(value), `int at ${target.at} -> ${value}`);
    }
    case 6: {
      const lengths = ops.filter((o) => o.op === 0x58 || o.op === 0x8c || o.op === 0x8a);
      if (lengths.length === 0) break;
      const target = r.pick(lengths);
      const bytes = new Uint8Array(input);
      const was = target.op === 0x58 ? readUint(input, target.at + 1, 4) : input[target.at + 1];
      const value = interesting(r, [was]);
      writeUint(bytes, target.at + 1, target.op === 0x58 ? 4 : 1, value);
      return { bytes, what: `data.pkl: length argument of op 0x${target.op.toString(16)} at ${target.at} = ${BigInt.asUintN(target.op === 0x58 ? 32 : 8, value)} (was ${was})` };
    }
    case 7: {
      const strs = ops.filter((o) => o.op === 0x58 || o.op === 0x8c);
      if (strs.length === 0) break;
      const target = r.pick(strs);
      const value = r.chance(0.2) ? Uint8Array.from([0xff, 0xfe]) : r.pick([...strings, "", "storage", "missing"]);
      return splice(target.at, target.end, pickleStr(value, target.op === 0x8c), `string at ${target.at} -> ${typeof value === "string" ? JSON.stringify(value) : "invalid UTF-8"}`);
    }
    case 8: {
      const globals = ops.filter((o) => o.op === 0x63);
      if (globals.length === 0) break;
      const target = r.pick(globals);
      const [module, name] = r.pick(GLOBALS);
      return splice(target.at, target.end, [0x63, ...new TextEncoder().encode(`${module}\n${name}\n`)], `GLOBAL at ${target.at} -> ${module}.${name}`);
    }
    case 9: break;
    default: {
      const out: number[] = [0x80, 2];
      const whats: string[] = [];
      for (let k = r.range(1, 300); k > 0; k--) {
        const added = randomPickleOp(r, strings);
        out.push(...added.bytes);
        if (whats.length < 6) whats.push(added.what);
      }
      return { bytes: Uint8Array.from(out), what: `data.pkl: random ops (${out.length} bytes, starting ${whats.join("; ")})` };
    }
  }
  return { bytes: input.slice(0, op.at), what: `data.pkl: truncate at op ${op.at}` };
}
