// onnxruntime-node 1.16.3 (bench:infer's ONNX Runtime) names dist/index.d.ts as its types but does not ship the
// file; its JavaScript re-exports all of onnxruntime-common (which ships its types) and registers the CPU
// backend, so these are its types.
declare module "onnxruntime-node" {
  export * from "onnxruntime-common";
}
