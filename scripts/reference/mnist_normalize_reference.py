#!/usr/bin/python3
"""PyTorch's own accuracy for tests/fixtures/onnx/mnist_norm_trained.onnx (a dev script, not part of the app).

The network (make-onnx-preprocessing-fixtures.py's TinyMnist, trained on Normalize(0.1307, 0.3081) applied
outside its graph, as PyTorch MNIST examples do) is rebuilt in PyTorch from the weights in the ONNX file and
run as its author runs it: ToTensor ([0, 1]) then Normalize(0.1307, 0.3081), on the first N official MNIST
test images (HFC_DATA_DIR/mnist, default ../shared/data). Writes PyTorch's predictions to
tests/fixtures/onnx/mnist_norm_trained_pred2000.npy (uint8, one per image) and prints its accuracy, which
`hfc-lab eval --model mnist_norm_trained.onnx --data mnist --limit 2000 --mean 0.1307 --std 0.3081` must
reproduce (tests/unit/engine/models/preprocessing.test.ts). Also prints the accuracy without Normalize,
what HFC Lab scored before models could state their preprocessing.

    /usr/bin/python3 scripts/reference/mnist_normalize_reference.py [--n 2000]
"""
import argparse
import gzip
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get('HFC_DATA_DIR') or os.path.join(os.path.dirname(REPO), 'shared', 'data')
FIXTURES = os.path.join(REPO, 'tests', 'fixtures', 'onnx')
MEAN, STD = 0.1307, 0.3081


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


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--n', type=int, default=2000)
    n = parser.parse_args().n
    net = TinyMnist().eval()
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in onnx.load(os.path.join(FIXTURES, 'mnist_norm_trained.onnx')).graph.initializer}
    net.load_state_dict(weights)
    images = read_idx(os.path.join(DATA, 'mnist', 't10k-images-idx3-ubyte.gz'))[:n].astype(np.float32)[:, None] / 255.0
    labels = read_idx(os.path.join(DATA, 'mnist', 't10k-labels-idx1-ubyte.gz'))[:n]
    with torch.no_grad():
        x = torch.from_numpy(images)
        normalised = net((x - MEAN) / STD).argmax(1).numpy()
        raw = net(x).argmax(1).numpy()
    np.save(os.path.join(FIXTURES, f'mnist_norm_trained_pred{n}.npy'), normalised.astype(np.uint8))
    print(f'first {n} MNIST test images: {np.mean(normalised == labels) * 100:.2f} % with Normalize({MEAN}, {STD}), '
          f'{np.mean(raw == labels) * 100:.2f} % without')


if __name__ == '__main__':
    main()
