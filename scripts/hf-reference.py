#!/usr/bin/python3
"""Independent reference for HF's default r_min (run with Debian's /usr/bin/python3 + python3-torch).

Rebuilds the embedded MNIST and Fashion-MNIST models in PyTorch from resources/models/*/weights.bin,
low-passes with numpy (centred spectrum, centroid floor(n/2), strict d < r, real part, clip to
[0, 1]) along HF's (p, q) staircase, and prints how many of the first N test images HF fools when it
stops at r_min = 1, floor(n/10) = 2 (the default) and the former floor(n/4) = 7. Compare with
`hfc-lab attack --model mnist --data mnist --attack hf --param rMin=R --limit 100`.

    /usr/bin/python3 scripts/hf-reference.py [N]     (data: $HFC_SHARED_DATA or ../shared/data)
"""
import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get('HFC_SHARED_DATA', os.path.join(REPO, '..', 'shared', 'data'))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100
torch.set_num_threads(1)


def idx(data, name, offset):
    with gzip.open(os.path.join(DATA, data, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def model(data):
    """The paper's CNN with the embedded float16 weights, logits out (TF.js layouts converted)."""
    root = os.path.join(REPO, 'resources', 'models', data)
    manifest = json.load(open(os.path.join(root, 'model.json')))['weightsManifest'][0]['weights']
    raw = np.fromfile(os.path.join(root, 'weights.bin'), dtype=np.float16).astype(np.float32)
    w, at = {}, 0
    for entry in manifest:
        size = int(np.prod(entry['shape']))
        w[entry['name']] = torch.tensor(raw[at:at + size].reshape(entry['shape']))
        at += size
    assert at == raw.size, 'weights.bin does not match the manifest'

    def logits(x):
        h = torch.tensor(x[:, None].astype(np.float32))
        h = F.max_pool2d(F.relu(F.conv2d(h, w['conv1/kernel'].permute(3, 2, 0, 1), w['conv1/bias'], padding=2)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, w['conv2/kernel'].permute(3, 2, 0, 1), w['conv2/bias'], padding=2)), 2)
        h = F.relu(h.permute(0, 2, 3, 1).reshape(len(x), -1) @ w['fc1/kernel'] + w['fc1/bias'])
        return (h @ w['fc2/kernel'] + w['fc2/bias']).numpy()

    return logits


def low_pass(x, r2, n=28):
    """x_l at radius sqrt(r2): keeps the bins with squared distance < r2 from (floor(n/2), floor(n/2))."""
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing='ij')
    mask = (i - n // 2) ** 2 + (j - n // 2) ** 2 < r2
    z = np.fft.fftshift(np.fft.fft2(x), axes=(-2, -1))
    return np.clip(np.real(np.fft.ifft2(np.fft.ifftshift(z * mask, axes=(-2, -1)))), 0, 1)


for data in ['mnist', 'fashion-mnist']:
    x = idx(data, 't10k-images-idx3-ubyte.gz', 16)[: N * 784].reshape(N, 28, 28) / 255.0
    y = idx(data, 't10k-labels-idx1-ubyte.gz', 8)[:N]
    f = model(data)
    first = np.full(N, -1.0)  # radius of each image's first misclassified low pass
    p = q = 14
    while True:
        if p >= q:
            p -= 1
        else:
            q -= 1
        if p < 0 or q < 0:
            break
        wrong = f(low_pass(x, p * p + q * q)).argmax(1) != y
        first[(first < 0) & wrong] = np.sqrt(p * p + q * q)
    correct = int((f(x).argmax(1) == y).sum())
    fooled = {r_min: int((first >= r_min).sum()) for r_min in (1, 2, 7)}
    print(f'{data}: clean {correct}/{N}; HF fools {fooled[1]} at r_min = 1, {fooled[2]} at r_min = 2 (default), {fooled[7]} at r_min = 7')
