"""PyTorch twin of bench/pretrain-step.ts: one masked-LM step of the mini BERT (post-LN, tanh GELU, tied
decoder over the masked positions only, AdamW, clip 1.0, no dropout). Prints the median step in seconds.
Usage: pretrain_step_torch.py B T WARMUP STEPS"""
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

B, T, WARMUP, STEPS = (int(a) for a in sys.argv[1:5])
V, H, L, NH, I = 30522, 256, 4, 4, 1024
torch.set_num_threads(2)
torch.manual_seed(0)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv, self.out, self.ln1 = nn.Linear(H, 3 * H), nn.Linear(H, H), nn.LayerNorm(H, eps=1e-12)
        self.up, self.down, self.ln2 = nn.Linear(H, I), nn.Linear(I, H), nn.LayerNorm(H, eps=1e-12)

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, NH, H // NH).permute(2, 0, 3, 1, 4)
        attended = torch.softmax(q @ k.transpose(-1, -2) / (H // NH) ** 0.5, -1) @ v
        x = self.ln1(x + self.out(attended.transpose(1, 2).reshape(b, t, H)))
        return self.ln2(x + self.down(F.gelu(self.up(x), approximate="tanh")))


class MaskedLm(nn.Module):
    def __init__(self):
        super().__init__()
        self.words, self.positions, self.types = nn.Embedding(V, H), nn.Embedding(T, H), nn.Embedding(2, H)
        self.ln = nn.LayerNorm(H, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(L))
        self.transform, self.transform_ln = nn.Linear(H, H), nn.LayerNorm(H, eps=1e-12)
        self.bias = nn.Parameter(torch.zeros(V))

    def forward(self, ids, masked, labels):
        x = self.ln(self.words(ids) + self.positions.weight[None, : ids.shape[1]] + self.types.weight[0])
        for layer in self.layers:
            x = layer(x)
        h = self.transform_ln(F.gelu(self.transform(x.reshape(-1, H)[masked]), approximate="tanh"))
        return F.cross_entropy(h @ self.words.weight.t() + self.bias, labels)


model = MaskedLm()
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.98), weight_decay=0.01)
ids = torch.randint(1000, V, (B, T))
n_masked = round(B * T * 0.15)
times = []
for step in range(WARMUP + STEPS):
    masked, labels = torch.randperm(B * T)[:n_masked], torch.randint(1000, V, (n_masked,))
    started = time.perf_counter()
    optimizer.zero_grad()
    model(ids, masked, labels).backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    if step >= WARMUP:
        times.append(time.perf_counter() - started)
print(statistics.median(times))
