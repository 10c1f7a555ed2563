// An indexed list of child modules, named "0", "1", ... in parameter paths (encoder.layers.3....).
import { Module } from "./module.js";

export class ModuleList<M extends Module> extends Module {
  readonly items: M[];

  constructor(items: M[]) {
    super();
    this.items = items;
    items.forEach((m, i) => this.child(String(i), m));
  }
}
