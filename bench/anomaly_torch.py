#!/usr/bin/python3
"""The anomaly protocol of `latentlab anomaly` in PyTorch, for the side-by-side table
(bench/anomaly_table.sh): the pytorch/examples VAE 784-400-20 (ReLU), Adam lr 1e-3, batch 128,
trained for --epochs on the first 8000 images of the MNIST test file with every image of label K
removed; then every one of the last 2000 images is scored by -ELBO (BCE of the mean code's
reconstruction summed over pixels + KL to N(0, I)) and by the distance of its mu to the nearest
training mu, and the ROC AUC of each score at telling the K's from the rest is printed as JSON.

Needs Debian's python3-torch and libopenblas0-pthread; run with OPENBLAS_NUM_THREADS=1.
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 anomaly_torch.py --holdout-label 0
"""
import argparse, gzip, json, os, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
mnist = os.path.join(here, "..", "..", "shared", "data", "mnist")
p = argparse.ArgumentParser()
p.add_argument("--holdout-label", type=int, required=True)
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--latent", type=int, default=20)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--images", default=os.path.join(mnist, "t10k-images-idx3-ubyte.gz"))
p.add_argument("--labels", default=os.path.join(mnist, "t10k-labels-idx1-ubyte.gz"))
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)

X = torch.tensor(np.frombuffer(gzip.open(a.images).read(), np.uint8, offset=16).reshape(-1, 784) / 255.0,
                 dtype=torch.float32)
Y = torch.tensor(np.frombuffer(gzip.open(a.labels).read(), np.uint8, offset=8).astype(np.int64))
train = X[:8000][Y[:8000] != a.holdout_label]
test, positive = X[8000:], (Y[8000:] == a.holdout_label).numpy()


class VAE(nn.Module):
    def __init__(s):
        super().__init__()
        s.fc1, s.fc21, s.fc22 = nn.Linear(784, 400), nn.Linear(400, a.latent), nn.Linear(400, a.latent)
        s.fc3, s.fc4 = nn.Linear(a.latent, 400), nn.Linear(400, 784)

    def encode(s, x):
        h = F.relu(s.fc1(x))
        return s.fc21(h), s.fc22(h)

    def decode(s, z):
        return torch.sigmoid(s.fc4(F.relu(s.fc3(z))))


def kl(mu, lv):
    return -0.5 * torch.sum(1 + lv - mu.pow(2) - lv.exp(), dim=1)


m = VAE()
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
t0 = time.time()
for ep in range(a.epochs):
    perm = torch.randperm(len(train))
    for i in range(0, len(train), 128):
        xb = train[perm[i:i + 128]]
        opt.zero_grad()
        mu, lv = m.encode(xb)
        r = m.decode(mu + torch.randn_like(mu) * torch.exp(0.5 * lv))
        loss = F.binary_cross_entropy(r, xb, reduction="sum") + kl(mu, lv).sum()
        loss.backward()
        opt.step()


def auc(score):
    """Mann-Whitney: the share of (positive, negative) pairs ranked right, ties one half."""
    pos, neg = score[positive], score[~positive]
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater) / (len(pos) * len(neg))


with torch.no_grad():
    mu, lv = m.encode(test)
    elbo = F.binary_cross_entropy(m.decode(mu), test, reduction="none").sum(1) + kl(mu, lv)
    train_mu, _ = m.encode(train)
    nearest = torch.cdist(mu, train_mu).min(1).values
print(json.dumps({"holdout_label": a.holdout_label, "epochs": a.epochs, "seed": a.seed,
                  "auc": round(auc(elbo.numpy()), 4), "auc_nearest": round(auc(nearest.numpy()), 4),
                  "seconds": round(time.time() - t0, 1)}))
