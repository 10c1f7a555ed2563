// The data the tests read: the slices shipped in the repository's data/ (data/README.md), never the full data folder beside it.
// Compiled, this file is dist/tests/helpers/data.js: the repository root is three levels up.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const DATA = resolve(dirname(fileURLToPath(import.meta.url)), "../../../data");
