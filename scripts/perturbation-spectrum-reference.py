#!/usr/bin/python3
"""Independent check of the perturbation spectrum of attack results (docs/algorithms.md §Beyond the paper).

Reads an `hfc-lab attack --out DIR` folder (adversarial.npy, samples.csv, spectrum.csv) and the data
set's clean images (MNIST IDX .gz or an .npy of N x H x W x C floats in [0, 1], in the order of
samples.csv's index column), recomputes every sample's radial energy profile of x_adv - x with
numpy's FFT (|fftshift(fft2)|^2 summed over channels, binned by floor of the distance from the zero
frequency, normalised to sum 1) and prints the largest difference from spectrum.csv. Dev check only:

    node bin/hfc-lab.js attack --model mnist --data mnist --attack pgd --limit 20 --out /tmp/pgd
    /usr/bin/python3 scripts/perturbation-spectrum-reference.py /tmp/pgd resources/datasets/mnist/t10k-images-idx3-ubyte.gz
"""
import csv
import gzip
import json
import math
import sys

import numpy as np


def clean_images(path, indices):
    if path.endswith('.gz'):
        raw = gzip.open(path).read()
        count, h, w = (int.from_bytes(raw[k:k + 4], 'big') for k in (4, 8, 12))
        images = np.frombuffer(raw, np.uint8, offset=16).reshape(count, h, w, 1) / 255.0
    else:
        images = np.load(path)
    return images[indices].astype(np.float32)


def profile(delta):
    h, w, c = delta.shape
    energy = np.zeros((h, w))
    for ch in range(c):
        energy += np.abs(np.fft.fftshift(np.fft.fft2(delta[:, :, ch].astype(np.float64)))) ** 2
    y, x = np.mgrid[0:h, 0:w]
    radius = np.floor(np.hypot(y - h // 2, x - w // 2)).astype(int)
    bins = int(math.floor(math.hypot(h // 2, w // 2))) + 1
    out = np.bincount(radius.ravel(), energy.ravel(), minlength=bins)
    total = out.sum()
    return out / total if total > 0 else out


def main(folder, data):
    with open(f'{folder}/spectrum.csv') as f:
        rows = list(csv.DictReader(f))
    indices = [int(r['index']) for r in rows]
    adversarial = np.load(f'{folder}/adversarial.npy')
    clean = clean_images(data, indices)
    worst = 0.0
    for k, row in enumerate(rows):
        engine = np.array([float(v) for key, v in row.items() if key.startswith('r')])
        worst = max(worst, float(np.max(np.abs(engine - profile(adversarial[k] - clean[k])))))
    print(json.dumps({'samples': len(rows), 'bins': len(engine), 'maxAbsDiff': worst}))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
