// The backend a test suite runs on: ADAPTERKIT_BACKEND=ref|native|auto (default auto), so CI can run the
// whole suite once on each path.
import { existsSync } from "node:fs";
import type { TestContext } from "node:test";
import { backendChoiceFromEnv, loadBackend, loadNativeBackend, nativeAddonPath, type Backend } from "../../src/kernels/index.js";

export function testBackend(): Backend {
  return loadBackend(backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND), (line) => console.log(`# ${line}`));
}

/** Why the native addon cannot be tested here, or null when it is built. */
export const NATIVE_MISSING = existsSync(nativeAddonPath()) ? null : `native addon not built: no ${nativeAddonPath()} (run npm run build:native)`;

/**
 * The native backend, or null after marking the test skipped when the addon is not built; with
 * ADAPTERKIT_REQUIRE_NATIVE=1 (CI) a missing addon fails instead. A present but broken addon fails the test.
 */
export function nativeOrSkip(t: TestContext): Backend | null {
  if (NATIVE_MISSING) {
    if (process.env.ADAPTERKIT_REQUIRE_NATIVE === "1") throw new Error(`ADAPTERKIT_REQUIRE_NATIVE=1 but ${NATIVE_MISSING}`);
    t.skip(NATIVE_MISSING);
    return null;
  }
  return loadNativeBackend();
}
