#!/usr/bin/python3
"""Independent reference for the Fourier heat map (docs/algorithms.md §Fourier heat map).

Rebuilds the embedded MNIST model (resources/models/mnist, the paper CNN with float16-stored weights)
in PyTorch, builds each Fourier basis image with numpy as the real inverse FFT of a centred spectrum
with ones at (u, v) and (-u, -v), normalised to unit L2 norm (Yin et al. 2019), perturbs images by
eps * sign * basis with the engine's seeded signs (mulberry32 over (seed, data-set index, frequency
pair), re-implemented here), clips to [0, 1] and counts errors and true-class confidence drops.
Run with Debian's /usr/bin/python3 (numpy + torch):

    /usr/bin/python3 scripts/heatmap-reference.py fixture   # writes tests/fixtures/heatmap/mnist-reference.json
    /usr/bin/python3 scripts/heatmap-reference.py bench N    # the whole heat map of N images, 2 threads; prints JSON timing
"""
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(REPO, 'resources', 'models', 'mnist')
DATA = os.path.join(REPO, 'resources', 'datasets', 'mnist')
FIXTURE = os.path.join(REPO, 'tests', 'fixtures', 'heatmap', 'mnist-reference.json')
M32 = 0xFFFFFFFF


def read_mnist(count):
    with gzip.open(os.path.join(DATA, 't10k-images-idx3-ubyte.gz'), 'rb') as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16)
    with gzip.open(os.path.join(DATA, 't10k-labels-idx1-ubyte.gz'), 'rb') as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    x = (images[: count * 784].astype(np.float32) / np.float32(255)).reshape(count, 28, 28)
    return x, labels[:count].astype(np.int64)


class PaperCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5, padding=2)
        self.conv2 = nn.Conv2d(32, 64, 5, padding=2)
        self.fc1 = nn.Linear(3136, 1024)
        self.fc2 = nn.Linear(1024, 10)

    def forward(self, x):  # x: N x 1 x 28 x 28
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        # Keras flattens channels-last (H, W, C): permute before flattening.
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        return self.fc2(F.relu(self.fc1(x)))


def load_model():
    with open(os.path.join(MODEL, 'model.json')) as f:
        manifest = json.load(f)['weightsManifest']
    with open(os.path.join(MODEL, 'weights.bin'), 'rb') as f:
        raw = f.read()
    weights, at = {}, 0
    for group in manifest:
        for w in group['weights']:
            size = int(np.prod(w['shape']))
            assert w['quantization']['dtype'] == 'float16'
            weights[w['name']] = np.frombuffer(raw, np.float16, size, at).astype(np.float32).reshape(w['shape'])
            at += 2 * size
    model = PaperCnn()
    with torch.no_grad():
        for conv in ('conv1', 'conv2'):  # HWIO -> OIHW
            getattr(model, conv).weight.copy_(torch.from_numpy(weights[conv + '/kernel'].transpose(3, 2, 0, 1).copy()))
            getattr(model, conv).bias.copy_(torch.from_numpy(weights[conv + '/bias']))
        for fc in ('fc1', 'fc2'):  # in x out -> out x in
            getattr(model, fc).weight.copy_(torch.from_numpy(weights[fc + '/kernel'].T.copy()))
            getattr(model, fc).bias.copy_(torch.from_numpy(weights[fc + '/bias']))
    return model.eval()


def basis_image(u, v, h, w):
    """Real inverse FFT of the centred spectrum with ones at (u, v) and (-u, -v); unit L2 norm."""
    spectrum = np.zeros((h, w), np.complex128)
    cy, cx = h // 2, w // 2
    spectrum[(cy + u) % h, (cx + v) % w] = 1
    spectrum[(cy - u) % h, (cx - v) % w] = 1
    image = np.real(np.fft.ifft2(np.fft.ifftshift(spectrum)))
    return image / np.linalg.norm(image)


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    h ^= h >> 16
    return h


def mix_seed(seed, index):
    return fmix32((fmix32(seed & M32) + (((index & M32) + 1) * 0x9E3779B1 & M32)) & M32)


def mulberry32(seed):
    state = seed & M32

    def draw():
        nonlocal state
        state = (state + 0x6D2B79F5) & M32
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & M32
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    return draw


def pair_key(u, v, h, w):
    return min((u % h) * w + (v % w), (-u % h) * w + (-v % w))


def sign(seed, index, u, v, h, w):
    return -1.0 if mulberry32(mix_seed(mix_seed(seed, index), pair_key(u, v, h, w)))() < 0.5 else 1.0


def evaluate(model, x, labels, ids, frequencies, eps, seed):
    """Per frequency: error count and mean true-class probability drop (float64)."""
    n = len(labels)
    with torch.no_grad():
        clean = torch.softmax(model(torch.from_numpy(x[:, None])).double(), 1)[torch.arange(n), labels]
    rows = []
    for u, v in frequencies:
        b = basis_image(u, v, 28, 28).astype(np.float32)
        signs = np.array([sign(seed, int(i), u, v, 28, 28) for i in ids], np.float32)
        xp = np.clip(x + (np.float32(eps) * signs)[:, None, None] * b[None], 0, 1).astype(np.float32)
        with torch.no_grad():
            logits = model(torch.from_numpy(xp[:, None]))
        p = torch.softmax(logits.double(), 1)[torch.arange(n), labels]
        rows.append({
            'u': u, 'v': v,
            'errors': int((logits.argmax(1) != torch.from_numpy(labels)).sum()),
            'meanDrop': float((clean - p).mean()),
            'basisNorm': float(np.linalg.norm(b.astype(np.float64))),
            'basisFirst': [float(t) for t in b.reshape(-1)[:4]],
        })
    return rows


def fixture():
    torch.set_num_threads(1)
    n, eps, seed = 48, 6.0, 3
    x, labels = read_mnist(n)
    model = load_model()
    # The frequencies of the engine's coarse grids at strides 5 and 7 (offsets that are multiples of the
    # stride), one per conjugate pair: zero, Nyquist rows and corners, low, mid and high frequencies.
    frequencies = strided_pairs(5) + strided_pairs(7)
    rows = evaluate(model, x, labels, np.arange(n), frequencies, eps, seed)
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, 'w') as f:
        json.dump({'made_by': 'scripts/heatmap-reference.py fixture (numpy basis, PyTorch 1.13 model, float32)',
                   'model': 'mnist', 'data': 'mnist (embedded, first images)', 'strides': [5, 7], 'n': n, 'eps': eps, 'seed': seed,
                   'torch': torch.__version__, 'numpy': np.__version__, 'frequencies': rows}, f, indent=1)
        f.write('\n')
    print('wrote', FIXTURE)


def strided_pairs(stride, h=28, w=28):
    pairs = {}
    for a in range(h):
        for b in range(w):
            u, v = a - h // 2, b - w // 2
            if u % stride == 0 and v % stride == 0:
                pairs.setdefault(pair_key(u, v, h, w), (u, v))
    return [pairs[k] for k in sorted(pairs)]


def bench(n):
    """The whole heat map (every frequency pair) of n images, 2 threads, as a PyTorch script would do it:
    numpy's seeded generator for the signs, the numpy basis, one forward pass of n images per frequency."""
    torch.set_num_threads(2)
    x, labels = read_mnist(n)
    model = load_model()
    frequencies = strided_pairs(1)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    with torch.no_grad():
        xt = torch.from_numpy(x[:, None])
        target = torch.from_numpy(labels)
        clean = torch.softmax(model(xt), 1)[torch.arange(n), target]
        errors, drops = [], []
        for u, v in frequencies:
            b = torch.from_numpy(basis_image(u, v, 28, 28).astype(np.float32))
            signs = torch.from_numpy(rng.choice(np.array([-1.0, 1.0], np.float32), size=n))
            logits = model(torch.clamp(xt + 6.0 * signs[:, None, None, None] * b, 0, 1))
            errors.append(int((logits.argmax(1) != target).sum()))
            drops.append(float((clean - torch.softmax(logits, 1)[torch.arange(n), target]).mean()))
    seconds = time.perf_counter() - start
    print(json.dumps({'n': n, 'frequencies': len(frequencies), 'seconds': seconds, 'maxErrors': max(errors)}))


if __name__ == '__main__':
    if sys.argv[1:2] == ['fixture']:
        fixture()
    elif sys.argv[1:2] == ['bench']:
        bench(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
