"""ONNX models for `npm run bench:infer` (bench/infer.ts), from the same weights as the other systems.

1. fp32: torch.onnx.export of bench/infer_torch.py's BERT-base (weights from the bench's Hugging Face folder).
   Inputs input_ids, attention_mask, token_type_ids (B,T) int64; output last_hidden_state (B,T,H) float32;
   batch and sequence are dynamic axes. ONNX Runtime fuses the graph itself when the session is created
   (graph optimization level "all"), into 12 Attention nodes among others, but only for the graph its C++
   attention fusion knows (onnxruntime 1.16): opset 12 (its patterns name the opset <= 12 versions of Add,
   Cast, Unsqueeze) and each Linear as MatMul then Add(., bias). With opset 13-17, or F.linear's Add(bias, .),
   no attention node is fused (checked with ONNX Runtime's verbose log: 353 nodes instead of 145); on the 2-core
   machine the fusion made no measurable difference in speed (bench/README-bench.md), but ORT gets its fused graph.
2. int8: the fp32 graph with every MatMul whose B is a weight (the 6 Linear layers of each of the 12 layers:
   query, key, value, attention output, FFN inner, FFN output) rewritten into one com.microsoft
   DynamicQuantizeMatMul node, as onnxruntime's quantize_dynamic (weight_type QInt8, MatMulConstBOnly) ends up
   after ONNX Runtime's own fusion of its DynamicQuantizeLinear + MatMulInteger output:
     - the weight W (K,N) is stored as int8, symmetric: scale = max|W| / 127 (per tensor, quantize_dynamic's
       default, or per output column with --per-channel), zero point 0, values round(W / scale) in [-127, 127];
     - the activation is quantized inside the node at run time (uint8, asymmetric, per tensor);
     - the Add of the Linear's bias that follows the MatMul moves into the node's bias input.
   The attention products (QKᵀ, PV) have no weight operand and stay fp32, as quantize_dynamic leaves them.
   onnxruntime's Python quantization tool is not installable on this machine, so the rewrite is done here
   with Debian's python3-onnx (apt-get install python3-onnx) and numpy.

Input on argv[1], JSON: {"dir": model folder, "fp32": path, "int8": path, "perChannel": bool, "opset": int}.
Prints one line "RESULT {json}" with what it rewrote.
"""
import json
import sys
import time

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

sys.dont_write_bytecode = True  # no bench/__pycache__ from the import below
from infer_torch import Linear, load_model  # noqa: E402

INPUTS = ["input_ids", "attention_mask", "token_type_ids"]
OUTPUT = "last_hidden_state"
INT8_MAX = 127  # symmetric int8 weights use [-127, 127], as onnxruntime's quantizer does


def export_fp32(model_dir, path, opset):
    model, config = load_model(model_dir)
    for m in model.modules():
        if isinstance(m, Linear):
            m.export_form = True
    B, T = 2, 16  # any shape: both axes are dynamic
    ids = torch.randint(1000, config["vocab_size"], (B, T), dtype=torch.long)
    mask = torch.ones(B, T, dtype=torch.long)
    types = torch.zeros(B, T, dtype=torch.long)
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUTS + [OUTPUT]}
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask, types), path, input_names=INPUTS, output_names=[OUTPUT],
                          dynamic_axes=axes, opset_version=opset, do_constant_folding=True)


def quantize_weight(w, per_channel):
    """w (K,N) float32 -> int8 (K,N), scale and zero point: scalars, or (N) per output column."""
    absmax = np.abs(w).max(axis=0) if per_channel else np.abs(w).max()
    scale = (np.where(absmax > 0, absmax, 1.0) / INT8_MAX).astype(np.float32)  # an all-zero column keeps scale 1/127
    q = np.clip(np.round(w / scale), -INT8_MAX, INT8_MAX).astype(np.int8)  # np.round: half to even, as the tool
    return q, scale, np.zeros_like(scale, dtype=np.int8)


def rewrite_int8(fp32_path, int8_path, per_channel):
    model = onnx.load(fp32_path)
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    # the exporter stores equal weights once and names the copies through Identity nodes
    aliases = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "Identity" and n.input[0] in inits}

    def weight(name):
        """The initializer a node input names, directly or through an Identity; None for an activation."""
        return inits.get(aliases.get(name, name))

    removed_nodes = set()  # ids of the bias Adds folded into a DynamicQuantizeMatMul
    replaced = {}  # id(MatMul node) -> its DynamicQuantizeMatMul
    new_inits = []
    quantized_weights = set()
    with_bias = 0
    for node in graph.node:
        w_init = weight(node.input[1]) if node.op_type == "MatMul" else None
        if w_init is None or len(w_init.dims) != 2:
            continue
        w_name = w_init.name
        N = w_init.dims[1]
        base = w_name.replace(":", "_")
        q_names = [f"{base}_quantized", f"{base}_scale", f"{base}_zero_point"]
        if w_name not in quantized_weights:  # a weight shared by several MatMuls is quantized once
            q, scale, zero = quantize_weight(numpy_helper.to_array(w_init).astype(np.float32), per_channel)  # W (K,N)
            new_inits += [numpy_helper.from_array(x, name) for x, name in zip((q, scale, zero), q_names)]
        inputs = [node.input[0], *q_names]
        output = node.output[0]
        # the Linear's bias: the MatMul's only consumer is an Add with a (N) weight as its other operand
        users = consumers.get(output, [])
        if len(users) == 1 and users[0].op_type == "Add":
            add = users[0]
            other = add.input[1] if add.input[0] == output else add.input[0]
            bias = weight(other)
            if bias is not None and list(bias.dims) == [N]:
                inputs.append(other)
                output = add.output[0]
                removed_nodes.add(id(add))
                with_bias += 1
        replaced[id(node)] = helper.make_node("DynamicQuantizeMatMul", inputs, [output], name=f"{node.name or base}_int8",
                                              domain="com.microsoft")
        quantized_weights.add(w_name)

    nodes = [replaced.get(id(n), n) for n in graph.node if id(n) not in removed_nodes]
    still_used = {aliases.get(name, name) for n in nodes for name in n.input}
    kept = [t for t in graph.initializer if t.name not in quantized_weights or t.name in still_used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(model, int8_path)
    return {"matmuls": len(replaced), "withBias": with_bias, "otherMatMuls": sum(1 for n in nodes if n.op_type == "MatMul")}


def main():
    spec = json.loads(sys.argv[1])
    start = time.perf_counter()
    export_fp32(spec["dir"], spec["fp32"], spec["opset"])
    exported = time.perf_counter()
    int8 = rewrite_int8(spec["fp32"], spec["int8"], spec["perChannel"])
    result = {
        "exportSeconds": exported - start, "rewriteSeconds": time.perf_counter() - exported, "opset": spec["opset"],
        "int8": {**int8, "node": "com.microsoft DynamicQuantizeMatMul", "weights": "per-channel" if spec["perChannel"] else "per-tensor"},
        "versions": f"torch {torch.__version__}, onnx {onnx.__version__}, numpy {np.__version__}",
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
