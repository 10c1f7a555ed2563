// Where adapters come from: a store folder whose sub-folders are adapters (the folder name is the adapter's
// name), plus single folders named on the command line. A name is a plain name or nothing is read: no "..",
// no slashes or backslashes, no NUL (after URL decoding), and a folder whose real path leads outside the
// store (a symlink) is refused.
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { resolve, sep } from "node:path";
import { checkAdapterName } from "../adapters/index.js";
import { HttpError } from "./http-error.js";

export class AdapterStore {
  private readonly root: string | null;

  constructor(
    root: string | null,
    private readonly named: ReadonlyMap<string, string>,
  ) {
    this.root = root === null ? null : realpathSync(root);
    for (const name of named.keys()) checkAdapterName(name);
  }

  /** The folder of adapter `name`; 400 for a name that is not a plain name, 404 when there is none. */
  folder(name: string): string {
    try {
      checkAdapterName(name);
    } catch (err) {
      throw new HttpError(400, "bad_adapter_name", (err as Error).message);
    }
    const given = this.named.get(name);
    if (given !== undefined) return given;
    if (this.root === null)
      throw new HttpError(404, "unknown_adapter", `adapter "${name}": no such adapter (no --adapters store; named adapters: ${[...this.named.keys()].join(", ") || "none"})`);
    const dir = resolve(this.root, name);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new HttpError(404, "unknown_adapter", `adapter "${name}": no such adapter in the store`);
    const real = realpathSync(dir);
    if (!real.startsWith(this.root + sep)) throw new HttpError(400, "outside_store", `adapter "${name}": its folder leads outside the store; refused`);
    return real;
  }

  /** Every adapter name the store and the command line offer: those folder() would serve, nothing it refuses. */
  names(): string[] {
    const inStore = this.root === null ? [] : readdirSync(this.root).filter((name) => this.serves(name));
    return [...new Set([...inStore, ...this.named.keys()])].sort();
  }

  private serves(name: string): boolean {
    try {
      this.folder(name);
      return true;
    } catch {
      return false;
    }
  }
}
