"""PyTorch side of `npm run bench` (bench/bert-base.ts): BERT-base with Houlsby adapters, written here as plain
nn.Modules (no transformers), loaded from the model.safetensors AdapterKit wrote, timed in one mode.

Run with OMP_WAIT_POLICY=PASSIVE (spin-waiting OpenMP threads steal the cores; DESIGN.md) by Debian's
python3-torch (/usr/bin/python3). Input on argv[1], JSON:
  {"dir", "mode": "forward"|"adapters"|"full", "B", "T", "warmup", "steps", "threads", "lr", "clip",
   "weightDecay", "adapter", "seed", "profile" (optional: profile this many more steps and print the table)}
Prints one line "RESULT {json}" with the same fields as AdapterKit's child (see SideResult in bert-base.ts).

Modes, as on the AdapterKit side:
  forward   model.eval() under torch.no_grad(), adapters active
  adapters  train step, adapters + every LayerNorm + classifier trainable (requires_grad False elsewhere)
  full      train step of plain BERT (adapters skipped), every parameter trainable
The first warm-up step runs with dropout off; its loss (and gradient norm) is what bert-base.ts compares.
"""
import contextlib
import json
import math
import resource
import statistics
import struct
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


def read_safetensors_into(path, params, prefix="", skip=()):
    """Reads every F32 tensor of a safetensors file straight into the parameter of the same name (its name
    minus `prefix`), with no copy of the file in memory. Tensors whose name starts with one of `skip` are left
    out; every other tensor must be a parameter, and every parameter must be in the file."""
    params = dict(params)
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        base = 8 + header_len
        for name, meta in header.items():
            if name == "__metadata__" or name.startswith(skip):
                continue
            key = name[len(prefix):] if name.startswith(prefix) else name
            if key not in params:
                raise KeyError(f"{path}: tensor {name!r} is no parameter of the PyTorch model")
            p = params.pop(key)
            start, end = meta["data_offsets"]
            if meta["dtype"] != "F32" or list(p.shape) != meta["shape"] or end - start != p.numel() * 4:
                raise ValueError(f"{path}: {name}: expected F32 {list(p.shape)}, got {meta['dtype']} {meta['shape']}")
            f.seek(base + start)
            view = memoryview(p.detach().numpy()).cast("B")
            if f.readinto(view) != end - start:
                raise ValueError(f"{path}: {name}: short read")
    if params:
        raise KeyError(f"{path}: no tensor for {sorted(params)[:5]} ...")


def param(*shape):
    return nn.Parameter(torch.empty(*shape))  # filled from the file


class Linear(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.weight = param(d_out, d_in)
        self.bias = param(d_out)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


class LayerNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = param(d)
        self.bias = param(d)
        self.eps = eps

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.weight, self.bias, self.eps)


class Embedding(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.weight = param(n, d)

    def forward(self, ids):
        return F.embedding(ids, self.weight)


def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")


class Adapter(nn.Module):
    """h + up(gelu(down(h))), AdapterHub names: adapter_down.0, adapter_up."""

    def __init__(self, d, m):
        super().__init__()
        self.adapter_down = nn.Sequential(Linear(d, m))
        self.adapter_up = Linear(m, d)

    def forward(self, h):
        return h + self.adapter_up(gelu_tanh(self.adapter_down(h)))


class Ctx:
    """What every sub-module reads: dropout probability, training flag, whether adapters run."""

    def __init__(self, p):
        self.p = p
        self.use_adapters = True


class Embeddings(nn.Module):
    def __init__(self, c, ctx):
        super().__init__()
        self.ctx = ctx
        self.word_embeddings = Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embeddings = Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.token_type_embeddings = Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = LayerNorm(c["hidden_size"], c["layer_norm_eps"])

    def forward(self, ids, type_ids):
        T = ids.shape[1]
        pos = torch.arange(T)
        h = self.word_embeddings(ids) + self.position_embeddings(pos)[None] + self.token_type_embeddings(type_ids)
        return F.dropout(self.LayerNorm(h), self.ctx.p, self.training)


class SelfAttention(nn.Module):
    def __init__(self, c, ctx):
        super().__init__()
        H = c["hidden_size"]
        self.ctx = ctx
        self.nh = c["num_attention_heads"]
        self.query = Linear(H, H)
        self.key = Linear(H, H)
        self.value = Linear(H, H)

    def forward(self, x, mask):
        B, T, H = x.shape
        hs = H // self.nh

        def heads(t):
            return t.view(B, T, self.nh, hs).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hs) + mask
        probs = F.dropout(torch.softmax(scores, dim=-1), self.ctx.p, self.training)
        return torch.matmul(probs, v).transpose(1, 2).reshape(B, T, H)


class SubOutput(nn.Module):
    """dense -> dropout -> adapter -> LayerNorm(. + residual): attention.output and output in HF's names."""

    def __init__(self, d_in, c, ctx, adapter):
        super().__init__()
        H = c["hidden_size"]
        self.ctx = ctx
        self.dense = Linear(d_in, H)
        self.LayerNorm = LayerNorm(H, c["layer_norm_eps"])
        self.adapters = nn.ModuleDict({adapter: Adapter(H, c["bottleneck"])})
        self.adapter = adapter

    def forward(self, h, residual):
        h = F.dropout(self.dense(h), self.ctx.p, self.training)
        if self.ctx.use_adapters:
            h = self.adapters[self.adapter](h)
        return self.LayerNorm(h + residual)


class Attention(nn.Module):
    def __init__(self, c, ctx, adapter):
        super().__init__()
        self.add_module("self", SelfAttention(c, ctx))
        self.output = SubOutput(c["hidden_size"], c, ctx, adapter)

    def forward(self, x, mask):
        return self.output(getattr(self, "self")(x, mask), x)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return gelu_tanh(self.dense(x))


class Layer(nn.Module):
    def __init__(self, c, ctx, adapter):
        super().__init__()
        self.attention = Attention(c, ctx, adapter)
        self.intermediate = Intermediate(c)
        self.output = SubOutput(c["intermediate_size"], c, ctx, adapter)

    def forward(self, x, mask):
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, c, ctx, adapter):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c, ctx, adapter) for _ in range(c["num_hidden_layers"])])

    def forward(self, h, mask):
        for layer in self.layer:
            h = layer(h, mask)
        return h


class Pooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, h):
        return torch.tanh(self.dense(h[:, 0]))


class Bert(nn.Module):
    def __init__(self, c, ctx, adapter):
        super().__init__()
        self.embeddings = Embeddings(c, ctx)
        self.encoder = Encoder(c, ctx, adapter)
        self.pooler = Pooler(c)

    def forward(self, ids, type_ids, attention_mask):
        mask = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0  # BERT's additive mask
        return self.pooler(self.encoder(self.embeddings(ids, type_ids), mask))


class Classifier(nn.Module):
    """Parameter names bert.* (base and adapters) and classifier.* (head), as AdapterKit wrote them."""

    def __init__(self, c, adapter, num_labels, p):
        super().__init__()
        self.ctx = Ctx(p)
        self.bert = Bert(c, self.ctx, adapter)
        self.classifier = Linear(c["hidden_size"], num_labels)

    def forward(self, ids, type_ids, attention_mask):
        pooled = self.bert(ids, type_ids, attention_mask)
        return self.classifier(F.dropout(pooled, self.ctx.p, self.training))


def is_layer_norm(name):
    return ".LayerNorm." in name


def main():
    spec = json.loads(sys.argv[1])
    setup_start = time.perf_counter()
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(spec["seed"])
    with open(f"{spec['dir']}/config.json") as f:
        config = json.load(f)
    config["bottleneck"] = 64
    assert config["hidden_act"] == "gelu_new", config["hidden_act"]  # BERT's tanh GELU
    assert config["hidden_dropout_prob"] == config["attention_probs_dropout_prob"]
    adapter = spec["adapter"]
    model = Classifier(config, adapter, 2, config["hidden_dropout_prob"])
    read_safetensors_into(f"{spec['dir']}/model.safetensors", model.named_parameters())
    with open(f"{spec['dir']}/batches.json") as f:
        batch = json.load(f)[f"{spec['B']}x{spec['T']}"]
    B, T = spec["B"], spec["T"]
    ids = torch.tensor(batch["ids"], dtype=torch.long).view(B, T)
    type_ids = torch.zeros(B, T, dtype=torch.long)
    attention_mask = torch.ones(B, T, dtype=torch.long)
    labels = torch.tensor(batch["labels"], dtype=torch.long)

    mode = spec["mode"]
    model.ctx.use_adapters = mode != "full"
    named = list(model.named_parameters())
    for name, p in named:
        is_adapter = ".adapters." in name
        if mode == "full":
            p.requires_grad_(not is_adapter)
        else:  # adapters (forward: irrelevant under no_grad)
            p.requires_grad_(is_adapter or is_layer_norm(name) or name.startswith("classifier."))
    trainable = [(n, p) for n, p in named if p.requires_grad and mode != "forward"]
    params = [p for _, p in trainable]
    optimizer = None
    if mode != "forward":
        # AdamW, decay 0.01 except LayerNorm and biases (BERT's exclude_from_weight_decay), eps 1e-6 as BERT
        decay = [p for n, p in trainable if not is_layer_norm(n) and not n.endswith(".bias")]
        no_decay = [p for n, p in trainable if is_layer_norm(n) or n.endswith(".bias")]
        optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": spec["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}],
                                      lr=spec["lr"], betas=(0.9, 0.999), eps=1e-6)
    setup_seconds = time.perf_counter() - setup_start

    # --precision bf16 on the parent: the forward under bf16 autocast (torch's own bf16 CPU path), the loss in fp32
    autocast = torch.autocast("cpu", dtype=torch.bfloat16) if spec.get("autocast") else contextlib.nullcontext()

    def logits():
        with autocast:
            return model(ids, type_ids, attention_mask)

    def step(training):
        model.train(training)
        if mode == "forward":
            with torch.no_grad():
                return F.cross_entropy(logits().float(), labels).item(), None
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(logits().float(), labels)
        value = loss.item()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, spec["clip"])
        optimizer.step()
        return value, float(norm)

    check_loss, check_norm = step(False)  # the parity check: dropout off
    for _ in range(1, spec["warmup"]):
        step(mode != "forward")
    times = []
    cpu_start = time.process_time()
    wall_start = time.perf_counter()
    for _ in range(spec["steps"]):
        start = time.perf_counter()
        step(mode != "forward")
        times.append(time.perf_counter() - start)
    cores = (time.process_time() - cpu_start) / (time.perf_counter() - wall_start)
    if spec.get("profile"):
        # where PyTorch's time goes in the same step, for the AdapterKit profile next to it
        with torch.autograd.profiler.profile() as prof:
            for _ in range(spec["profile"]):
                step(mode != "forward")
        print(f"\nPyTorch profile: \"{mode}\" step, batch {B} x seq {T}, {spec['profile']} steps after the timed ones "
              f"(torch.autograd.profiler; self CPU time per op, the profiler adds some overhead)")
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=22))
    result = {
        "side": "pytorch bf16 autocast" if spec.get("autocast") else "pytorch", "mode": mode, "B": B, "T": T, "stepSeconds": times,
        "checkLoss": check_loss, "checkGradNorm": check_norm,
        "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "coresBusy": cores,
        "params": {"total": sum(p.numel() for n, p in named if mode != "full" or ".adapters." not in n), "trainable": sum(p.numel() for p in params)},
        "setupSeconds": setup_seconds,
        "note": f"torch {torch.__version__}, {torch.get_num_threads()} threads, median {statistics.median(times):.3f} s",
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
