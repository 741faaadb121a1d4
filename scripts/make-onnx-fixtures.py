#!/usr/bin/python3
"""Writes the ONNX test fixtures in tests/fixtures/onnx/ (run with Debian's /usr/bin/python3 + python3-torch).

Every model is exported by torch.onnx.export at opset 13 with a dynamic batch axis, the way analysts
hand PyTorch models over. Beside each model: a fixed input batch of real images (NHWC float32 in
[0, 1]), its labels (uint8), PyTorch's logits for it, and PyTorch's gradient of the summed
cross-entropy of those labels with respect to the [0, 1] input (NHWC). Deterministic: seeded weights,
single-threaded training on the first images of the shared MNIST training subset.

    /usr/bin/python3 scripts/make-onnx-fixtures.py
"""
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, 'tests', 'fixtures', 'onnx')
SHARED = os.path.join(os.path.dirname(REPO), 'shared', 'data')
BATCH = 8


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist(split):
    folder, prefix = ('mnist', 't10k') if split == 'test' else ('mnist-train-10k', 'train')
    images = read_idx(os.path.join(SHARED, folder, f'{prefix}-images-idx3-ubyte.gz'))
    labels = read_idx(os.path.join(SHARED, folder, f'{prefix}-labels-idx1-ubyte.gz'))
    return images.astype(np.float32)[:, None] / 255.0, labels.astype(np.int64)


def cifar_test():
    """The embedded CIFAR-10 binary batch (1 label byte + R, G, B planes per record)."""
    raw = np.fromfile(os.path.join(REPO, 'resources', 'datasets', 'cifar10', 'test_batch.bin'), dtype=np.uint8).reshape(-1, 3073)
    return raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0, raw[:, 0].astype(np.int64)


class NarrowPaperCnn(nn.Module):
    """The paper's five-layer MNIST CNN (docs/algorithms.md §Models) with 8/16 filters and 64 hidden units instead of 32/64/1024
    (the full one is 13 MB in float32; the committed fixtures must stay small)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5, padding=2)
        self.conv2 = nn.Conv2d(8, 16, 5, padding=2)
        self.fc1 = nn.Linear(16 * 7 * 7, 64)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc2(self.drop(F.relu(self.fc1(x))))


class PreActBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.skip = nn.Conv2d(cin, cout, 1, stride=stride, bias=False) if stride != 1 or cin != cout else None

    def forward(self, x):
        out = F.relu(self.bn1(x))
        skip = self.skip(out) if self.skip is not None else x
        out = self.conv2(F.relu(self.bn2(self.conv1(out))))
        return out + skip


class SmallResNet(nn.Module):
    """A pre-activation residual net for 3x32x32 with torchvision-style normalisation in the graph
    (it starts with Sub/Div constants), BatchNormalization after additions, global average pooling."""

    def __init__(self):
        super().__init__()
        self.register_buffer('mean', torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor([0.2470, 0.2435, 0.2616]).view(1, 3, 1, 1))
        self.stem = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.block1 = PreActBlock(16, 16, 1)
        self.block2 = PreActBlock(16, 32, 2)
        self.bn = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = self.block2(self.block1(self.stem(x)))
        x = F.adaptive_avg_pool2d(F.relu(self.bn(x)), 1)
        return self.fc(torch.flatten(x, 1))


class ReshapeZoo(nn.Module):
    """An MNIST net on 0-255 pixels that exercises reshape chains (x.view(x.size(0), -1)), grouped,
    strided and dilated convolutions, a transposed convolution, Pad, Slice, Split, Concat,
    Transpose, Squeeze/Unsqueeze, MatMul, several activations, and a final Softmax."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.depthwise = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8)
        self.grouped = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=2)
        self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.prelu = nn.PReLU(4)
        self.proj = nn.Parameter(torch.randn(12, 10) * 0.1)
        self.fc = nn.Linear(4 * 14 * 14, 12)

    def logits(self, x):
        x = x / 255.0
        x = F.leaky_relu(self.conv1(x), 0.1)
        x = F.hardswish(self.depthwise(x))
        a, b = torch.chunk(x, 2, dim=1)
        x = torch.cat([torch.sigmoid(a), torch.tanh(b)], dim=1)
        x = F.relu6(self.grouped(x))
        x = F.hardsigmoid(x) * x
        x = self.prelu(self.up(x))
        x = F.pad(x, (1, 1, 1, 1))[:, :, 1:-1, 1:-1]
        x = F.avg_pool2d(x, 3, stride=2, padding=1)
        x = x.permute(0, 1, 3, 2).contiguous()
        x = x.view(x.size(0), -1).unsqueeze(1)
        x = F.relu(self.fc(x)).squeeze(1)
        return torch.matmul(x, self.proj)

    def forward(self, x):
        return F.softmax(self.logits(x), dim=1)


class EinsumNet(nn.Module):
    """A graph with an operator HFC Lab does not convert (Einsum)."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(28, 10))

    def forward(self, x):
        return torch.einsum('bchw,wk->bk', x, self.w)


def train(model, images, labels, steps, batch=64, lr=1e-3, scale=1.0):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for step in range(steps):
        i = (step * batch) % (len(images) - batch)
        x = torch.from_numpy(images[i:i + batch] * scale)
        loss = F.cross_entropy(model_logits(model, x), torch.from_numpy(labels[i:i + batch]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()


def model_logits(model, x):
    return model.logits(x) if hasattr(model, 'logits') else model(x)


def save_npy(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array))


def export(name, model, images01, labels, scale=1.0, references=True):
    model.eval()
    sample = torch.from_numpy(images01[:BATCH] * scale)
    torch.onnx.export(model, sample, os.path.join(OUT, f'{name}.onnx'), opset_version=13,
                      input_names=['input'], output_names=['output'], dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}})
    if not references:
        return
    x01 = torch.from_numpy(images01[:BATCH]).requires_grad_(True)
    logits = model_logits(model, x01 * scale)
    F.cross_entropy(logits, torch.from_numpy(labels[:BATCH]), reduction='sum').backward()
    save_npy(f'{name}_input.npy', images01[:BATCH].transpose(0, 2, 3, 1))
    save_npy(f'{name}_labels.npy', labels[:BATCH].astype(np.uint8))
    save_npy(f'{name}_logits.npy', logits.detach().numpy().astype(np.float32))
    save_npy(f'{name}_grad.npy', x01.grad.numpy().transpose(0, 2, 3, 1).astype(np.float32))


def randomise_batchnorm(model, generator):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=generator) * 0.2)
            m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=generator) * 0.1)


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    train_x, train_y = mnist('train')
    test_x, test_y = mnist('test')

    cnn = NarrowPaperCnn()
    train(cnn, train_x, train_y, steps=300)
    export('mnist_cnn_narrow', cnn, test_x, test_y)

    zoo = ReshapeZoo()
    train(zoo, train_x, train_y, steps=300, scale=255.0)
    export('reshape_zoo_mnist', zoo, test_x, test_y, scale=255.0)

    resnet = SmallResNet()
    with torch.no_grad():
        randomise_batchnorm(resnet, torch.Generator().manual_seed(1))
    cifar_x, cifar_y = cifar_test()
    export('resnet_bn_cifar', resnet, cifar_x, cifar_y)

    export('einsum_unsupported', EinsumNet(), test_x, test_y, references=False)

    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f'wrote {len(os.listdir(OUT))} files, {total} bytes, to {OUT}', file=sys.stderr)


if __name__ == '__main__':
    main()
