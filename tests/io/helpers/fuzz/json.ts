// JSON text for the JSON-headed formats (safetensors header, safetensors index): text that stresses a parser,
// and a way to splice raw text into otherwise valid JSON.
import type { FuzzRng } from "./random.js";

/** JSON text that stresses a parser or its error messages: nesting, huge numbers, long arrays, surrogates. */
export function weirdJson(r: FuzzRng): { text: string; what: string } {
  const depth = r.pick([100, 1000, 10_000, 100_000]);
  switch (r.int(9)) {
    case 0: return { text: "[".repeat(depth) + "]".repeat(depth), what: `array nested ${depth} deep` };
    case 1: return { text: '{"a":'.repeat(depth) + "1" + "}".repeat(depth), what: `object nested ${depth} deep` };
    case 2: return { text: `[${new Array(100_000).fill("1").join(",")}]`, what: "array of 100000 ones" };
    case 3: return { text: `"${"a".repeat(1_000_000)}"`, what: "1 MB string" };
    case 4: return { text: '"\\ud800"', what: "lone surrogate string" };
    case 5: return { text: '{"__proto__":{"dtype":"F32"},"constructor":1}', what: "prototype-named keys" };
    default: {
      const text = r.pick(["null", "true", "0", "-1", "-0", "1.5", "1e400", "-1e400", "9007199254740993", '""', '"x"', "[]", "{}", "[[[2]]]"]);
      return { text, what: text };
    }
  }
}

export const RAW = "@@fuzz-raw@@";

/** JSON.stringify with the string RAW replaced by raw JSON text (which JSON.stringify could not produce). */
export function stringifyWithRaw(value: unknown, raw: string | undefined): string {
  const text = JSON.stringify(value);
  return raw === undefined ? text : text.replace(JSON.stringify(RAW), () => raw);
}
