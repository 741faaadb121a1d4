#!/usr/bin/python3
"""Writes tests/fixtures/resize/: torchvision's Resize + CenterCrop of embedded images, as references
for the 'torchvision' resize mode (Debian's /usr/bin/python3 + python3-torchvision 0.14 + Pillow).

For each target below, images of resources/datasets/imagenet-samples go through
transforms.Compose([Resize(int(min(h, w) * 256 / 224)), CenterCrop((h, w))]) on the PIL image that
ImageFolder's loader opens (Image.open(f).convert('RGB'), or 'L' for gray), and are saved as
uint8 HWC .npy, one file per target with all images stacked.

    /usr/bin/python3 scripts/make-torchvision-resize-fixtures.py
"""
import os

import numpy as np
from PIL import Image
from torchvision import transforms

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(REPO, 'resources', 'datasets', 'imagenet-samples')
OUT = os.path.join(REPO, 'tests', 'fixtures', 'resize')
# A square and a landscape sample (1024 x 683), in the order the data set lists them (class folders by name).
FILES = ['129/imagenet_14_129.jpg', '541/imagenet_10_541.jpg', '990/imagenet_03_990.jpg']
TARGETS = [((64, 64), 'RGB'), ((56, 80), 'RGB'), ((48, 48), 'L')]


def main():
    os.makedirs(OUT, exist_ok=True)
    for (h, w), mode in TARGETS:
        recipe = transforms.Compose([transforms.Resize(int(min(h, w) * 256 / 224)), transforms.CenterCrop((h, w))])
        images = [np.asarray(recipe(Image.open(os.path.join(SAMPLES, f)).convert(mode))) for f in FILES]
        stacked = np.stack([i if i.ndim == 3 else i[:, :, None] for i in images]).astype(np.uint8)
        np.save(os.path.join(OUT, f'torchvision_{h}x{w}_{mode.lower()}.npy'), stacked)
        print(f'{h}x{w} {mode}: {stacked.shape}')


if __name__ == '__main__':
    main()
