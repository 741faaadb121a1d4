#!/usr/bin/python3
"""Writes the modern-architecture ONNX fixtures in tests/fixtures/onnx/ (run with Debian's /usr/bin/python3 + python3-torch 1.13).

A small ConvNeXt and a small VisionTransformer, written here as torchvision 0.14 builds them (this
machine's Python has torch but no torchvision): ConvNeXt's patchify stem, LayerNorm2d (permute +
layer_norm), depthwise 7x7, GELU and layer scale; ViT's patch convolution, class token, position
embedding, nn.MultiheadAttention, LayerNorm and GELU MLP (image_size=32, patch_size=8, num_layers=2,
num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=10), each exported at opset 13 (LayerNormalization and GELU decompose into
ReduceMean/Sub/Pow/Sqrt/Div and Div/Erf/Add/Mul) and at opset 17 (LayerNormalization is one node).
Random seeded weights, no downloads. Beside each model, as in make-onnx-fixtures.py: 4 CIFAR-10 test
images (NHWC [0, 1]), their labels, PyTorch's logits and its gradient of the summed cross-entropy
with respect to the input (NHWC). Also a small net that resizes the way F.interpolate exports
(nearest, bilinear, align_corners), at both opsets.

    /usr/bin/python3 scripts/make-onnx-modern-fixtures.py
"""
import importlib.util
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('base', os.path.join(HERE, 'make-onnx-fixtures.py'))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)

BATCH = 4


class LayerNorm2d(nn.LayerNorm):
    def forward(self, x):
        return F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps).permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    def __init__(self, dim, generator):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)
        # torchvision starts layer scale at 1e-6, which would make every block an identity.
        self.layer_scale = nn.Parameter(torch.rand(dim, 1, 1, generator=generator) * 0.5 + 0.3)

    def forward(self, x):
        y = self.dwconv(x).permute(0, 2, 3, 1)
        y = self.fc2(F.gelu(self.fc1(self.norm(y)))).permute(0, 3, 1, 2)
        return x + self.layer_scale * y


class SmallConvNeXt(nn.Module):
    def __init__(self, generator):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 4, stride=4), LayerNorm2d(16, eps=1e-6))
        self.stage1 = CNBlock(16, generator)
        self.down = nn.Sequential(LayerNorm2d(16, eps=1e-6), nn.Conv2d(16, 32, 2, stride=2))
        self.stage2 = CNBlock(32, generator)
        self.norm = LayerNorm2d(32, eps=1e-6)
        self.head = nn.Linear(32, 10)
        for m in self.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.data = torch.rand(m.weight.shape, generator=generator) + 0.5
                m.bias.data = torch.randn(m.bias.shape, generator=generator) * 0.1

    def forward(self, x):
        x = self.stage2(self.down(self.stage1(self.stem(x))))
        return self.head(torch.flatten(self.norm(F.adaptive_avg_pool2d(x, 1)), 1))


class EncoderBlock(nn.Module):
    def __init__(self, heads, dim, mlp):
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim, eps=1e-6)
        self.self_attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp), nn.GELU(), nn.Linear(mlp, dim))

    def forward(self, x):
        y = self.ln_1(x)
        y, _ = self.self_attention(y, y, y, need_weights=False)
        x = x + y
        return x + self.mlp(self.ln_2(x))


class SmallViT(nn.Module):
    def __init__(self, image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=10):
        super().__init__()
        self.patch_size = patch_size
        self.conv_proj = nn.Conv2d(3, hidden_dim, patch_size, stride=patch_size)
        self.class_token = nn.Parameter(torch.randn(1, 1, hidden_dim) * 0.1)
        seq = (image_size // patch_size) ** 2 + 1
        self.pos_embedding = nn.Parameter(torch.randn(1, seq, hidden_dim) * 0.1)
        self.layers = nn.Sequential(*[EncoderBlock(num_heads, hidden_dim, mlp_dim) for _ in range(num_layers)])
        self.ln = nn.LayerNorm(hidden_dim, eps=1e-6)
        self.head = nn.Linear(hidden_dim, num_classes)
        with torch.no_grad():
            # Away from torchvision's init (unit norms, zero attention biases) so every parameter shows in the test.
            for m in self.modules():
                if isinstance(m, nn.LayerNorm):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.normal_(0, 0.1)
                if isinstance(m, nn.MultiheadAttention):
                    m.in_proj_bias.normal_(0, 0.1)
                    m.out_proj.bias.normal_(0, 0.1)

    def forward(self, x):
        n = x.shape[0]
        x = self.conv_proj(x)
        x = x.reshape(n, x.shape[1], -1).permute(0, 2, 1)
        x = torch.cat([self.class_token.expand(n, -1, -1), x], dim=1) + self.pos_embedding
        x = self.ln(self.layers(x))
        return self.head(x[:, 0])


class ResizeNet(nn.Module):
    """Resize as PyTorch exports F.interpolate: nearest x2 (asymmetric, floor), bilinear to a size
    (half_pixel), bilinear x0.5 with align_corners (align_corners)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.conv3 = nn.Conv2d(8, 8, 3, padding=1)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = F.interpolate(torch.tanh(self.conv1(x)), scale_factor=2, mode='nearest')
        x = F.interpolate(torch.tanh(self.conv2(x)), size=(20, 20), mode='bilinear', align_corners=False)
        x = F.interpolate(torch.tanh(self.conv3(x)), scale_factor=0.5, mode='bilinear', align_corners=True)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def export(name, model, images01, labels, opset):
    model.eval()
    x = torch.from_numpy(images01[:BATCH])
    torch.onnx.export(model, x, os.path.join(base.OUT, f'{name}.onnx'), opset_version=opset,
                      input_names=['input'], output_names=['output'], dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}})
    x01 = x.clone().requires_grad_(True)
    logits = model(x01)
    F.cross_entropy(logits, torch.from_numpy(labels[:BATCH]), reduction='sum').backward()
    base.save_npy(f'{name}_input.npy', images01[:BATCH].transpose(0, 2, 3, 1))
    base.save_npy(f'{name}_labels.npy', labels[:BATCH].astype(np.uint8))
    base.save_npy(f'{name}_logits.npy', logits.detach().numpy().astype(np.float32))
    base.save_npy(f'{name}_grad.npy', x01.grad.numpy().transpose(0, 2, 3, 1).astype(np.float32))
    print(f'{name}: {os.path.getsize(os.path.join(base.OUT, name + ".onnx"))} bytes', file=sys.stderr)


def main():
    torch.set_num_threads(1)
    cifar_x, cifar_y = base.cifar_test()
    for opset in (13, 17):
        torch.manual_seed(0)
        export(f'convnext_small_op{opset}', SmallConvNeXt(torch.Generator().manual_seed(1)), cifar_x, cifar_y, opset)
        torch.manual_seed(0)
        export(f'vit_small_op{opset}', SmallViT(), cifar_x, cifar_y, opset)
        torch.manual_seed(0)
        export(f'resize_net_op{opset}', ResizeNet(), cifar_x, cifar_y, opset)


if __name__ == '__main__':
    main()
