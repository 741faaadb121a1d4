#!/usr/bin/python3
"""Writes the preprocessing fixtures in tests/fixtures/onnx/ (Debian's /usr/bin/python3 + python3-torch 1.13).

1. prep_caffe_cifar.onnx: a small seeded CNN on 3x32x32 that takes its input as Caffe/Keras
   "caffe" models do: 0-255 pixels, BGR, the ImageNet means subtracted (std 1), normalisation
   folded OUT of the graph. prep_caffe_cifar_in.onnx is the same network with that preprocessing
   folded IN (it takes [0, 1] RGB). Beside them, as make-onnx-fixtures.py writes: 4 CIFAR-10 test
   images (NHWC [0, 1] RGB), labels, PyTorch's logits of net(preprocess(x)) and the gradient of the
   summed cross-entropy with respect to the [0, 1] RGB image (NHWC), through the preprocessing.
2. mnist_norm_trained.onnx: a tiny CNN trained (seeded, 1 pass over mnist-train-10k) on
   torchvision's Normalize(0.1307, 0.3081) applied outside the graph, as PyTorch MNIST examples do;
   mnist_norm_trained_pred.npy holds PyTorch's predictions on the first 500 embedded MNIST test
   images with that normalisation, so a test can check HFC Lab's with --mean/--std equal them.
3. mnist_raw255_trained.onnx: the same tiny CNN trained on raw 0-255 pixels (as many Keras models
   are); opened as [0, 1] it scores at chance, which the near-chance guard must report.

    /usr/bin/python3 scripts/make-onnx-preprocessing-fixtures.py
"""
import importlib.util
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('base', os.path.join(HERE, 'make-onnx-fixtures.py'))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)

BATCH = 4
CAFFE_MEAN_BGR = [103.939, 116.779, 123.68]
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16 * 16 * 16, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(torch.flatten(x, 1))


def caffe_preprocess(x01_rgb):
    """[0, 1] RGB NCHW -> 0-255 BGR minus the per-channel means (Keras 'caffe' mode)."""
    bgr = x01_rgb[:, [2, 1, 0]] * 255.0
    return bgr - torch.tensor(CAFFE_MEAN_BGR).view(1, 3, 1, 1)


class FoldedIn(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(caffe_preprocess(x))


class TinyMnist(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.fc = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


def export(model, sample, name):
    torch.onnx.export(model, sample, os.path.join(base.OUT, name), opset_version=13,
                      input_names=['input'], output_names=['output'], dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}})


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = SmallCnn().eval()
    images, labels = base.cifar_test()
    x = torch.from_numpy(images[:BATCH])
    export(net, caffe_preprocess(x), 'prep_caffe_cifar.onnx')
    export(FoldedIn(net).eval(), x, 'prep_caffe_cifar_in.onnx')
    x01 = x.clone().requires_grad_(True)
    logits = net(caffe_preprocess(x01))
    F.cross_entropy(logits, torch.from_numpy(labels[:BATCH]), reduction='sum').backward()
    base.save_npy('prep_caffe_cifar_input.npy', images[:BATCH].transpose(0, 2, 3, 1))
    base.save_npy('prep_caffe_cifar_labels.npy', labels[:BATCH].astype(np.uint8))
    base.save_npy('prep_caffe_cifar_logits.npy', logits.detach().numpy().astype(np.float32))
    base.save_npy('prep_caffe_cifar_grad.npy', x01.grad.numpy().transpose(0, 2, 3, 1).astype(np.float32))

    torch.manual_seed(0)
    tiny = TinyMnist()
    train_x, train_y = base.mnist('train')
    normalise = lambda t: (t - MNIST_MEAN) / MNIST_STD  # noqa: E731
    opt = torch.optim.Adam(tiny.parameters(), lr=2e-3)
    tiny.train()
    for i in range(0, len(train_x) - 64, 64):
        loss = F.cross_entropy(tiny(normalise(torch.from_numpy(train_x[i:i + 64]))), torch.from_numpy(train_y[i:i + 64]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    tiny.eval()
    export(tiny, normalise(torch.from_numpy(train_x[:BATCH])), 'mnist_norm_trained.onnx')
    embedded = os.path.join(base.REPO, 'resources', 'datasets', 'mnist')
    test_x = base.read_idx(os.path.join(embedded, 't10k-images-idx3-ubyte.gz'))[:500].astype(np.float32)[:, None] / 255.0
    test_y = base.read_idx(os.path.join(embedded, 't10k-labels-idx1-ubyte.gz'))[:500]
    with torch.no_grad():
        right = tiny(normalise(torch.from_numpy(test_x))).argmax(1).numpy()
        wrong = tiny(torch.from_numpy(test_x)).argmax(1).numpy()
    base.save_npy('mnist_norm_trained_pred.npy', right.astype(np.uint8))
    print(f'mnist_norm_trained: accuracy on the first 500 embedded test images {np.mean(right == test_y) * 100:.1f} % with Normalize, '
          f'{np.mean(wrong == test_y) * 100:.1f} % without')

    torch.manual_seed(0)
    raw = TinyMnist()
    opt = torch.optim.Adam(raw.parameters(), lr=1e-3)
    raw.train()
    for i in range(0, len(train_x) - 64, 64):
        loss = F.cross_entropy(raw(torch.from_numpy(train_x[i:i + 64] * 255)), torch.from_numpy(train_y[i:i + 64]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    raw.eval()
    export(raw, torch.from_numpy(train_x[:BATCH] * 255), 'mnist_raw255_trained.onnx')
    with torch.no_grad():
        right = raw(torch.from_numpy(test_x * 255)).argmax(1).numpy()
        wrong = raw(torch.from_numpy(test_x)).argmax(1).numpy()
    print(f'mnist_raw255_trained: {np.mean(right == test_y) * 100:.1f} % on 0-255 pixels, {np.mean(wrong == test_y) * 100:.1f} % on [0, 1]')


if __name__ == '__main__':
    main()
