// The backend a test suite runs on: ADAPTERKIT_BACKEND=ref|native|auto (default auto), so CI can run the
// whole suite once on each path.
import { backendChoiceFromEnv, loadBackend, type Backend } from "../../src/kernels/index.js";

export function testBackend(): Backend {
  return loadBackend(backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND), (line) => console.log(`# ${line}`));
}
