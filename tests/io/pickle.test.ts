import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FormatError } from "../../src/errors.js";
import { unpickle, type PickleValue, type UnpicklePolicy } from "../../src/io/pickle.js";
import { PickleWriter } from "./helpers/pickle-writer.js";

const isFormatError = (pattern: RegExp) => (e: unknown): boolean => e instanceof FormatError && pattern.test(e.message);

/** A policy that allows nothing: plain data only. */
const plainData: UnpicklePolicy<never> = {
  allowGlobal: () => false,
  reduce: (_c, _a, fail) => fail("no callables"),
  persistentLoad: (_p, fail) => fail("no persistent ids"),
};

function load(bytes: Uint8Array): PickleValue<never> {
  return unpickle(bytes, "t.pkl", plainData);
}

describe("restricted unpickler", () => {
  it("builds plain data: dicts, lists, tuples, ints of every width, floats, bools, None, memo", () => {
    const p = new PickleWriter().proto().op(0x7d, 0x71, 0x00).mark(); // EMPTY_DICT, BINPUT 0, MARK
    p.str("small").int(7).str("medium").int(40000).str("negative").int(-3);
    p.str("long").op(0x8a, 0x05, 0x00, 0x00, 0x00, 0x00, 0x01); // LONG1 2^32
    p.str("huge").op(0x8a, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x40); // LONG1 2^62 stays a bigint
    p.str("float").op(0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0); // BINFLOAT 1.5 (big-endian)
    p.str("flags").op(0x88, 0x89, 0x4e, 0x87); // (True, False, None)
    p.str("list").op(0x5d).int(1).op(0x61).mark().int(2).int(3).op(0x65); // [1] + APPENDS 2, 3
    p.str("again").op(0x68, 0x00); // BINGET 0: the dict itself, memoised by BINPUT 0
    p.op(0x75).stop();
    const value = load(p.finish());
    assert.ok(value !== null && typeof value === "object" && value.kind === "dict");
    const entries = new Map(value.entries.map(([k, v]) => [String(k), v]));
    assert.equal(entries.get("small"), 7);
    assert.equal(entries.get("medium"), 40000);
    assert.equal(entries.get("negative"), -3);
    assert.equal(entries.get("long"), 2 ** 32);
    assert.equal(entries.get("huge"), 2n ** 62n);
    assert.equal(entries.get("float"), 1.5);
    assert.deepEqual(entries.get("flags"), { kind: "tuple", items: [true, false, null] });
    assert.deepEqual(entries.get("list"), { kind: "list", items: [1, 2, 3] });
    assert.equal(entries.get("again"), value, "BINGET returns the memoised object itself");
  });

  it("refuses every global the policy does not allow, via GLOBAL or STACK_GLOBAL", () => {
    assert.throws(() => load(new PickleWriter().proto().global("subprocess", "Popen").stop().finish()),
      isFormatError(/^pickle\(t\.pkl\): global "subprocess\.Popen" is not allowed; only state-dict tensors can be loaded \(opcode at offset 2\)$/));
    assert.throws(() => load(new PickleWriter().proto(4).shortStr("posix").shortStr("system").op(0x93).stop().finish()),
      isFormatError(/global "posix\.system" is not allowed/));
  });

  it("refuses REDUCE on anything but an allowlisted global", () => {
    const p = new PickleWriter().proto().str("not callable").emptyTuple().reduce().stop();
    assert.throws(() => load(p.finish()), isFormatError(/REDUCE on str, expected an allowlisted global/));
  });

  it("refuses unknown opcodes, truncation and a missing STOP, with the offset", () => {
    assert.throws(() => load(Uint8Array.of(0x80, 0x02, 0x69)), isFormatError(/opcode 0x69 is not supported by this restricted unpickler \(opcode at offset 2\)/)); // INST
    assert.throws(() => load(Uint8Array.of(0x80, 0x02, 0x58, 0xff, 0, 0, 0, 0x61)), isFormatError(/truncated: needs 255 more bytes, 1 left/));
    assert.throws(() => load(Uint8Array.of(0x80, 0x02, 0x4e)), isFormatError(/ended without STOP; the pickle is truncated/));
    assert.throws(() => load(Uint8Array.of(0x80, 0x02, 0x68, 0x05, 0x2e)), isFormatError(/memo slot 5 is empty/));
  });
});
