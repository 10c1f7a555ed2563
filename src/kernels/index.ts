// The kernels layer: one Backend contract (interface.ts) and its implementations, reference TypeScript
// (ref/) and the native N-API addon over OpenBLAS or its own GEMM (native/load.ts), and the choice between them.
import { BackendError, ConfigError } from "../errors.js";
import type { Backend } from "./interface.js";
import { loadNativeBackend, loadNativeGemm, nativeBuildHint } from "./native/load.js";
import { refBackend } from "./ref/index.js";

export type { Backend, FloatArray, GeluApproximation, LinearPrecision } from "./interface.js";
export { loadNativeBackend, loadNativeGemm, nativeAddonPath, type NativeGemm } from "./native/load.js";
export { refBackend };

/** "auto": native when the addon loads, else ref with a one-line notice; "ref", "native": exactly that. */
export type BackendChoice = "auto" | "ref" | "native";

export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "ref", "native"];

/** Validates an ADAPTERKIT_BACKEND value; unset or empty means "auto". */
export function backendChoiceFromEnv(value: string | undefined): BackendChoice {
  if (value === undefined || value === "") return "auto";
  const choice = BACKEND_CHOICES.find((c) => c === value);
  if (choice === undefined) {
    throw new ConfigError(`ADAPTERKIT_BACKEND: unknown backend "${value}"; expected one of ${BACKEND_CHOICES.join(", ")}`);
  }
  return choice;
}

/**
 * Returns the backend for a choice. "native" throws BackendError (path, reason and how to build) when the
 * addon cannot be used. "auto" never throws for that and always says what it chose in one onNotice line:
 * the native kernels and their GEMM, or the slower reference kernels with how to get the fast path. The
 * returned backend's `name` says which one was picked.
 */
export function loadBackend(choice: BackendChoice, onNotice?: (line: string) => void): Backend {
  switch (choice) {
    case "ref":
      return refBackend;
    case "native":
      return loadNativeBackend();
    case "auto":
      try {
        const native = loadNativeBackend();
        onNotice?.(`adapterkit: backend auto chose the native kernels (GEMM: ${loadNativeGemm().name})`);
        return native;
      } catch (err) {
        if (!(err instanceof BackendError)) throw err;
        const reason = err.message.replace(/^native backend: /, "").replace(/; hint: .*$/, "");
        onNotice?.(`adapterkit: native backend unavailable (${reason}); running on the reference kernels, about 30x slower (measured training the mini BERT: 49 against 1,651 tokens/s; the demo takes over half an hour instead of under a minute). For the fast path: ${nativeBuildHint()}`);
        return refBackend;
      }
  }
}
