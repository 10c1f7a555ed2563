// A restricted unpickler: it builds plain data (None, bools, ints, floats, strings, tuples, lists, dicts) and
// hands every GLOBAL, REDUCE and BINPERSID to a policy, so nothing outside an allowlist can ever be named,
// let alone called: pickle's code execution happens only through REDUCE/BUILD on imported callables, and
// here a callable is an inert {module, name} marker the policy interprets.
// Opcodes are those of protocol 2 (what torch.save writes) plus FRAME/MEMOIZE/STACK_GLOBAL from protocol 4.
import { FormatError } from "../errors.js";

export interface PickleTuple<T> { kind: "tuple"; items: PickleValue<T>[] }
export interface PickleList<T> { kind: "list"; items: PickleValue<T>[] }
/** A dict (or OrderedDict): entries in insertion order; `state` is what BUILD set (OrderedDict attributes). */
export interface PickleDict<T> { kind: "dict"; entries: [PickleValue<T>, PickleValue<T>][]; state?: PickleValue<T> }
/** An allowlisted global, never resolved to anything executable. */
export interface PickleGlobal { kind: "global"; module: string; name: string }
/** A value the policy built (a tensor, a storage reference). */
export interface PickleExtension<T> { kind: "extension"; value: T }

export type PickleValue<T> =
  | null | boolean | number | bigint | string
  | PickleTuple<T> | PickleList<T> | PickleDict<T> | PickleGlobal | PickleExtension<T>;

export interface UnpicklePolicy<T> {
  /** Whether GLOBAL module.name may appear; any other global fails the whole load. */
  allowGlobal(module: string, name: string): boolean;
  /** REDUCE: applies an allowlisted callable to its argument tuple; `fail` throws a located FormatError. */
  reduce(callable: PickleGlobal, args: PickleTuple<T>, fail: (message: string) => never): PickleValue<T>;
  /** BINPERSID: resolves a persistent id (torch: a storage reference). */
  persistentLoad(pid: PickleValue<T>, fail: (message: string) => never): PickleValue<T>;
}

/** Names a pickle value's type in messages. */
export function pickleTypeName<T>(value: PickleValue<T>): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "bigint") return "int";
  if (typeof value === "string") return "str";
  if (value.kind === "global") return `global ${value.module}.${value.name}`;
  return value.kind;
}

const MARK = Symbol("mark");
type StackItem<T> = PickleValue<T> | typeof MARK;

/** Unpickles `bytes`; `label` (e.g. "pytorch_model.bin/data.pkl") names the stream in errors. */
export function unpickle<T>(bytes: Uint8Array, label: string, policy: UnpicklePolicy<T>): PickleValue<T> {
  return unpickleAt(bytes, 0, label, policy).value;
}

/** One pickle starting at byte `start` -> its value and the offset just past its STOP (where the next may begin). */
export function unpickleAt<T>(bytes: Uint8Array, start: number, label: string, policy: UnpicklePolicy<T>): { value: PickleValue<T>; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const stack: StackItem<T>[] = [];
  const memo = new Map<number, PickleValue<T>>();
  let pos = start;
  let opAt = start;

  const fail = (message: string): never => {
    throw new FormatError(`pickle(${label}): ${message} (opcode at offset ${opAt})`);
  };
  const need = (n: number): void => {
    if (pos + n > bytes.length) fail(`truncated: needs ${n} more bytes, ${bytes.length - pos} left`);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const text = (n: number): string => {
    try {
      return decoder.decode(take(n));
    } catch (error) {
      if (error instanceof FormatError) throw error;
      return fail("string is not valid UTF-8");
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail("unterminated line");
    return text(end - pos + 1).slice(0, -1);
  };
  const pop = (): PickleValue<T> => {
    const item = stack.pop();
    if (item === undefined) return fail("stack underflow");
    if (item === MARK) return fail("unexpected MARK on the stack");
    return item;
  };
  const top = (): PickleValue<T> => {
    const item = stack[stack.length - 1];
    if (item === undefined || item === MARK) return fail("expected a value on the stack");
    return item;
  };
  const popToMark = (): PickleValue<T>[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail("no MARK on the stack");
    const items: PickleValue<T>[] = [];
    for (const item of stack.splice(at + 1)) if (item !== MARK) items.push(item); // none are: MARK is the last one
    stack.pop(); // the MARK itself
    return items;
  };
  const pushGlobal = (module: string, name: string): void => {
    if (!policy.allowGlobal(module, name)) {
      fail(`global "${module}.${name}" is not allowed; only state-dict tensors can be loaded`);
    }
    stack.push({ kind: "global", module, name });
  };
  const setItems = (target: PickleValue<T>, items: PickleValue<T>[]): void => {
    if (target === null || typeof target !== "object" || target.kind !== "dict") return fail(`SETITEM(S) on ${pickleTypeName(target)}, expected a dict`);
    if (items.length % 2 !== 0) fail("SETITEMS with an odd number of items");
    for (let i = 0; i < items.length; i += 2) target.entries.push([items[i], items[i + 1]]);
  };
  const append = (target: PickleValue<T>, items: PickleValue<T>[]): void => {
    if (target === null || typeof target !== "object" || target.kind !== "list") return fail(`APPEND(S) on ${pickleTypeName(target)}, expected a list`);
    for (const item of items) target.items.push(item); // not push(...items): APPENDS may carry 10^6 items
  };
  const memoGet = (index: number): void => {
    const value = memo.get(index);
    if (value === undefined) fail(`memo slot ${index} is empty`);
    else stack.push(value);
  };

  while (pos < bytes.length) {
    opAt = pos;
    const op = bytes[pos++];
    switch (op) {
      case 0x80: take(1); break; // PROTO n
      case 0x95: take(8); break; // FRAME: a length hint only
      case 0x28: stack.push(MARK); break; // MARK
      case 0x2e: { // STOP
        const result = pop();
        if (stack.length !== 0) fail(`STOP with ${stack.length} extra item(s) on the stack`);
        return { value: result, end: pos };
      }
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(take(1)[0]); break; // BININT1
      case 0x4d: need(2); stack.push(view.getUint16(pos, true)); pos += 2; break; // BININT2
      case 0x4a: need(4); stack.push(view.getInt32(pos, true)); pos += 4; break; // BININT
      case 0x8a: { // LONG1: n-byte little-endian two's complement
        const digits = take(take(1)[0]);
        let value = 0n;
        for (let i = digits.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i]);
        if (digits.length > 0 && digits[digits.length - 1] >= 0x80) value -= 1n << BigInt(8 * digits.length);
        const safe = value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
        stack.push(safe ? Number(value) : value);
        break;
      }
      case 0x47: need(8); stack.push(view.getFloat64(pos, false)); pos += 8; break; // BINFLOAT (big-endian)
      case 0x58: { need(4); const n = view.getUint32(pos, true); pos += 4; stack.push(text(n)); break; } // BINUNICODE
      case 0x8c: stack.push(text(take(1)[0])); break; // SHORT_BINUNICODE
      case 0x7d: stack.push({ kind: "dict", entries: [] }); break; // EMPTY_DICT
      case 0x5d: stack.push({ kind: "list", items: [] }); break; // EMPTY_LIST
      case 0x29: stack.push({ kind: "tuple", items: [] }); break; // EMPTY_TUPLE
      case 0x74: stack.push({ kind: "tuple", items: popToMark() }); break; // TUPLE
      case 0x85: { const a = pop(); stack.push({ kind: "tuple", items: [a] }); break; } // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push({ kind: "tuple", items: [a, b] }); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push({ kind: "tuple", items: [a, b, c] }); break; } // TUPLE3
      case 0x73: { const value = pop(); const key = pop(); setItems(top(), [key, value]); break; } // SETITEM
      case 0x75: { const items = popToMark(); setItems(top(), items); break; } // SETITEMS
      case 0x61: { const item = pop(); append(top(), [item]); break; } // APPEND
      case 0x65: { const items = popToMark(); append(top(), items); break; } // APPENDS
      case 0x71: memo.set(take(1)[0], top()); break; // BINPUT
      case 0x72: need(4); memo.set(view.getUint32(pos, true), top()); pos += 4; break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: memoGet(take(1)[0]); break; // BINGET
      case 0x6a: need(4); memoGet(view.getUint32(pos, true)); pos += 4; break; // LONG_BINGET
      case 0x63: { const module = line(); pushGlobal(module, line()); break; } // GLOBAL "module\nname\n"
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") fail("STACK_GLOBAL needs two strings");
        else pushGlobal(module, name);
        break;
      }
      case 0x52: { // REDUCE callable(*args)
        const args = pop();
        const callable = pop();
        if (callable === null || typeof callable !== "object" || callable.kind !== "global") return fail(`REDUCE on ${pickleTypeName(callable)}, expected an allowlisted global`);
        if (args === null || typeof args !== "object" || args.kind !== "tuple") return fail(`REDUCE with ${pickleTypeName(args)} arguments, expected a tuple`);
        stack.push(policy.reduce(callable, args, fail));
        break;
      }
      case 0x51: stack.push(policy.persistentLoad(pop(), fail)); break; // BINPERSID
      case 0x62: { // BUILD: only attribute state on a dict (OrderedDict._metadata from state_dict())
        const state = pop();
        const target = top();
        if (target === null || typeof target !== "object" || target.kind !== "dict") return fail(`BUILD on ${pickleTypeName(target)}; only dict state is accepted`);
        target.state = state;
        break;
      }
      default:
        return fail(`opcode 0x${op.toString(16).padStart(2, "0")} is not supported by this restricted unpickler`);
    }
  }
  return fail("ended without STOP; the pickle is truncated");
}
