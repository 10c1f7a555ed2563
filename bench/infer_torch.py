"""PyTorch side of `npm run bench:infer` (bench/infer.ts): BERT-base inference, fp32, no grad.

The model is written here as plain nn.Modules in Hugging Face's layout and names (no transformers), so that
bench/infer_onnx.py can export this very model to ONNX. Its weights come from the Hugging Face folder the
bench generated (config.json + model.safetensors, "bert."-prefixed names; the pooler is not loaded: every
system returns the last hidden state). GELU is the erf form (hidden_act "gelu", as bert-base-uncased).

Run by Debian's python3-torch (/usr/bin/python3) with OMP_WAIT_POLICY=PASSIVE, as the other benches do.
Input on argv[1], JSON:
  {"dir": model folder, "inputs": inputs.json, "B", "T", "warmup", "calls", "threads", "out": file or null}
Prints one line "RESULT {json}" with the fields of CallResult in bench/infer.ts; writes the first call's last
hidden state (B,T,H) to "out" as raw little-endian float32 for the cosine check.
"""
import json
import math
import resource
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

sys.dont_write_bytecode = True  # no bench/__pycache__ from the import below
from bert_base_torch import Embedding, param, read_safetensors_into  # noqa: E402

MASKED_SCORE = -10000.0  # BERT's additive attention mask for padding


class Linear(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.weight = param(d_out, d_in)
        self.bias = param(d_out)
        self.export_form = False  # set by bench/infer_onnx.py for the ONNX export

    def forward(self, x):
        if self.export_form:
            # exports as MatMul, then Add(MatMul's output, bias): the operand order that ONNX Runtime's attention
            # fusion matches (F.linear exports Add(bias, MatMul's output), which it does not)
            return torch.matmul(x, self.weight.t()) + self.bias
        return F.linear(x, self.weight, self.bias)  # one addmm with the bias: PyTorch's fastest form


class LayerNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = param(d)
        self.bias = param(d)
        self.d = d  # a Python int, not x.shape[-1]: the ONNX export needs a constant normalized shape
        self.eps = eps

    def forward(self, x):
        return F.layer_norm(x, (self.d,), self.weight, self.bias, self.eps)


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        H = c["hidden_size"]
        self.word_embeddings = Embedding(c["vocab_size"], H)
        self.position_embeddings = Embedding(c["max_position_embeddings"], H)
        self.token_type_embeddings = Embedding(c["type_vocab_size"], H)
        self.LayerNorm = LayerNorm(H, c["layer_norm_eps"])

    def forward(self, input_ids, token_type_ids):
        # ids, type ids (B,T) -> (B,T,H); positions 0..T-1
        positions = torch.arange(input_ids.shape[1], dtype=torch.long)
        h = self.word_embeddings(input_ids) + self.position_embeddings(positions)[None] + self.token_type_embeddings(token_type_ids)
        return self.LayerNorm(h)


class SelfAttention(nn.Module):
    """Written as Hugging Face's BertSelfAttention, so ONNX Runtime's attention fusion sees the usual graph."""

    def __init__(self, c):
        super().__init__()
        H = c["hidden_size"]
        self.num_heads = c["num_attention_heads"]
        self.head_size = H // self.num_heads
        self.query = Linear(H, H)
        self.key = Linear(H, H)
        self.value = Linear(H, H)

    def heads(self, x):
        # (B,T,H) -> (B,NH,T,HS)
        return x.view(x.size()[:-1] + (self.num_heads, self.head_size)).permute(0, 2, 1, 3)

    def forward(self, x, mask):
        # x (B,T,H), mask (B,1,1,T) additive -> (B,T,H)
        q, k, v = self.heads(self.query(x)), self.heads(self.key(x)), self.heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size) + mask
        probs = torch.softmax(scores, dim=-1)
        out = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return out.view(out.size()[:-2] + (self.num_heads * self.head_size,))


class SubOutput(nn.Module):
    """dense -> LayerNorm(. + residual): attention.output and output in Hugging Face's names."""

    def __init__(self, d_in, c):
        super().__init__()
        self.dense = Linear(d_in, c["hidden_size"])
        self.LayerNorm = LayerNorm(c["hidden_size"], c["layer_norm_eps"])

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.add_module("self", SelfAttention(c))
        self.output = SubOutput(c["hidden_size"], c)

    def forward(self, x, mask):
        return self.output(getattr(self, "self")(x, mask), x)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return F.gelu(self.dense(x))  # erf GELU


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = SubOutput(c["intermediate_size"], c)

    def forward(self, x, mask):
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, h, mask):
        for layer in self.layer:
            h = layer(h, mask)
        return h


class Bert(nn.Module):
    """input_ids, attention_mask, token_type_ids (B,T) int64 -> last_hidden_state (B,T,H)."""

    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)

    def forward(self, input_ids, attention_mask, token_type_ids):
        mask = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * MASKED_SCORE
        return self.encoder(self.embeddings(input_ids, token_type_ids), mask)


def load_model(model_dir):
    """The bench's BERT-base from its Hugging Face folder, in eval mode, parameters frozen."""
    with open(f"{model_dir}/config.json") as f:
        config = json.load(f)
    if config.get("hidden_act") != "gelu":
        raise ValueError(f"{model_dir}/config.json: expected hidden_act \"gelu\" (erf), got {config.get('hidden_act')!r}")
    model = Bert(config)
    read_safetensors_into(f"{model_dir}/model.safetensors", model.named_parameters(), prefix="bert.", skip=("bert.pooler.",))
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model, config


def batch_tensors(inputs_path, B, T):
    """The shape's batch from inputs.json (bench/infer.ts writes it): three (B,T) int64 tensors."""
    with open(inputs_path) as f:
        batch = json.load(f)[f"{B}x{T}"]
    ids = torch.tensor(batch["ids"], dtype=torch.long).view(B, T)
    mask = torch.tensor(batch["attentionMask"], dtype=torch.long).view(B, T)
    types = torch.tensor(batch["typeIds"], dtype=torch.long).view(B, T)
    return ids, mask, types


def rss_mib():
    """Resident memory now (Linux: /proc/self/statm's second field, in pages)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(spec["threads"])
    load_start = time.perf_counter()
    model, _ = load_model(spec["dir"])
    load_seconds = time.perf_counter() - load_start
    B, T = spec["B"], spec["T"]
    ids, mask, types = batch_tensors(spec["inputs"], B, T)

    def call():
        with torch.inference_mode():
            return model(ids, mask, types)

    start = time.perf_counter()
    first = call()
    first_call_seconds = time.perf_counter() - start
    if spec.get("out"):
        with open(spec["out"], "wb") as f:
            f.write(first.contiguous().numpy().astype("<f4").tobytes())
    del first
    for _ in range(1, spec["warmup"]):
        call()
    times = []
    for _ in range(spec["calls"]):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    result = {
        "system": "pytorch", "B": B, "T": T, "callSeconds": times, "loadSeconds": load_seconds,
        "firstCallSeconds": first_call_seconds, "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rssMiB": rss_mib(), "cpuSeconds": time.process_time(),
        "version": f"torch {torch.__version__}, {torch.get_num_threads()} threads",
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
