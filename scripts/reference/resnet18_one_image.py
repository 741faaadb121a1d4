#!/usr/bin/python3
"""PyTorch's side of the README's ResNet-18 rows (a dev script, not part of the app).

  export OUT_DIR   writes OUT_DIR/r18.onnx (torchvision resnet18, weights seeded with torch.manual_seed(0), no
                   download; opset 13, dynamic batch, Normalize left outside the graph as torchvision does) and
                   OUT_DIR/r18.pt (the same weights for the `one` mode).
  one OUT_DIR      what an analyst's script does to classify one image: import torch, build resnet18, load the
                   weights, Resize(256) + CenterCrop(224) + ToTensor + Normalize(ImageNet) one embedded
                   imagenet-sample, one forward. Timed as a whole process against `hfc-lab eval --limit 1`
                   (scripts/resnet18-open-time.sh).
  predict OUT_DIR  prints JSON {true label: PyTorch's top-1} for all 20 embedded imagenet-samples.
"""
import json
import os
import sys

import torch
import torchvision
from PIL import Image
from torchvision import transforms

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(REPO, 'resources', 'datasets', 'imagenet-samples')
PREPROCESS = transforms.Compose([
    transforms.Resize(256),
    transforms.CenterCrop(224),
    transforms.ToTensor(),
    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
])


def files():
    for label in sorted(os.listdir(SAMPLES), key=lambda s: (len(s), s)):
        folder = os.path.join(SAMPLES, label)
        if os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                yield int(label), os.path.join(folder, name)


def load(out):
    net = torchvision.models.resnet18()
    net.load_state_dict(torch.load(os.path.join(out, 'r18.pt')))
    return net.eval()


def main():
    mode, out = sys.argv[1], sys.argv[2]
    if mode == 'export':
        torch.manual_seed(0)
        net = torchvision.models.resnet18().eval()
        os.makedirs(out, exist_ok=True)
        torch.save(net.state_dict(), os.path.join(out, 'r18.pt'))
        torch.onnx.export(net, torch.zeros(1, 3, 224, 224), os.path.join(out, 'r18.onnx'), opset_version=13,
                          input_names=['input'], output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
    elif mode == 'one':
        net = load(out)
        label, path = next(files())
        with torch.no_grad():
            logits = net(PREPROCESS(Image.open(path).convert('RGB')).unsqueeze(0))
        print(f'{os.path.basename(path)}: class {int(logits.argmax())}')
    elif mode == 'predict':
        net = load(out)
        with torch.no_grad():
            print(json.dumps({label: int(net(PREPROCESS(Image.open(p).convert('RGB')).unsqueeze(0)).argmax()) for label, p in files()}))


if __name__ == '__main__':
    main()
