#!/usr/bin/python3
"""PyTorch twin of `latentlab bench --arch conv`: the conv VAE of the Keras example at 28x28x1,
trained on random inputs in [0, 1], one thread. Prints one line ending in samples/s.

The layers, as core/models/model.cpp builds them (`latentlab train --arch conv --help` lists them):
  encoder  Conv2d 1->32 (3x3, stride 2, pad 1) ReLU, Conv2d 32->64 (same) ReLU, Flatten,
           Linear 3136->hidden ReLU, Linear hidden->2*latent (mu, log var)
  decoder  Linear latent->hidden ReLU, Linear hidden->3136 ReLU, Unflatten (64, 7, 7),
           ConvTranspose2d 64->32 (3x3, stride 2, pad 1, output pad 1) ReLU,
           ConvTranspose2d 32->1 (same), logits
  loss     BCE on logits, summed, plus the KL term; Adam, lr 1e-3.
Run it in the same command as the program it is compared with (bench/compare_torch.sh --arch conv);
quote the ratio, not the absolute figure.
"""
import argparse, time
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--hidden", type=int, default=16)
p.add_argument("--latent", type=int, default=20)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--seconds", type=float, default=5.0)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)


class ConvVAE(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1, s.c2 = nn.Conv2d(1, 32, 3, 2, 1), nn.Conv2d(32, 64, 3, 2, 1)
        s.e1, s.e2 = nn.Linear(64 * 7 * 7, a.hidden), nn.Linear(a.hidden, 2 * a.latent)
        s.d1, s.d2 = nn.Linear(a.latent, a.hidden), nn.Linear(a.hidden, 64 * 7 * 7)
        s.t1 = nn.ConvTranspose2d(64, 32, 3, 2, 1, output_padding=1)
        s.t2 = nn.ConvTranspose2d(32, 1, 3, 2, 1, output_padding=1)

    def forward(s, x):
        h = F.relu(s.c2(F.relu(s.c1(x))))
        mu, lv = s.e2(F.relu(s.e1(h.flatten(1)))).chunk(2, dim=1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * lv)
        g = F.relu(s.d2(F.relu(s.d1(z)))).view(-1, 64, 7, 7)
        return s.t2(F.relu(s.t1(g))), mu, lv


m = ConvVAE()
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
slots = 64  # a few distinct batches, cycled, as the C++ bench does
X = torch.rand(slots * a.batch, 1, 28, 28)


def step(xb):
    opt.zero_grad()
    logits, mu, lv = m(xb)
    loss = F.binary_cross_entropy_with_logits(logits, xb, reduction="sum") \
        - 0.5 * torch.sum(1 + lv - mu.pow(2) - lv.exp())
    loss.backward()
    opt.step()


for i in range(5):
    step(X[i * a.batch:(i + 1) * a.batch])
n, t0 = 0, time.time()
while time.time() - t0 < a.seconds:
    i = n % slots
    step(X[i * a.batch:(i + 1) * a.batch])
    n += 1
el = time.time() - t0
print(f"torch {torch.__version__} conv hidden={a.hidden} latent={a.latent} batch={a.batch} "
      f"threads={a.threads} mkldnn={torch.backends.mkldnn.is_available()} samples/s={n * a.batch / el:.0f}")
