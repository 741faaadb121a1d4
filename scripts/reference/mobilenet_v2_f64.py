"""Float64 reference for scripts/mobilenet-v2-check.sh (dev only: PyTorch is never a product dependency).

Rebuilds the TF.js Layers model that scripts/mobilenet-v2.ts wrote (model.json + weights.bin: its
layers ZeroPadding2D, Conv2D, DepthwiseConv2D, BatchNormalization, ReLU, Add,
GlobalAveragePooling2D, Dense) in PyTorch float64 with the same weights, and for each image
compares every engine's float32 input gradient (the .npy files `hfc-lab grad` wrote) with the
float64 gradient of the same loss (summed softmax cross-entropy of the labels, the final softmax
removed as HFC Lab removes it).

ReLU6 passes a gradient only for 0 < x <= 6; a pre-activation within float32 rounding of 0
or 6 may land on either side in an engine's float32 forward pass. The script measures that
rounding distance (the same network in float32 against float64, per ReLU6 layer and image), counts
the units of every image that lie within it, and then fits, per engine and image, which of those
units' gradient masks to flip so that the float64 gradient reproduces the engine's: if the
mismatch is only these boundary units, the flipped float64 gradient agrees with the engine to
float32 precision.

  /usr/bin/python3 scripts/reference/mobilenet_v2_f64.py OUT   (OUT as written by scripts/mobilenet-v2-check.sh)
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def load(model_dir):
    spec = json.load(open(f'{model_dir}/model.json'))
    raw = open(f'{model_dir}/weights.bin', 'rb').read()
    weights, offset = {}, 0
    for w in spec['weightsManifest'][0]['weights']:
        assert w['dtype'] == 'float32' and 'quantization' not in w, w
        n = int(np.prod(w['shape'])) if w['shape'] else 1
        weights[w['name']] = np.frombuffer(raw, np.float32, n, offset).reshape(w['shape'])
        offset += 4 * n
    topology = spec['modelTopology']
    config = topology.get('model_config', topology)['config']
    return config['layers'], weights


class Net:
    """The Keras graph evaluated in PyTorch (NCHW) in a given dtype; ReLU6 masks can be overridden."""

    def __init__(self, layers, weights, dtype):
        self.layers = layers
        self.dtype = dtype
        self.w = {k: torch.tensor(v.astype(np.float64), dtype=dtype) for k, v in weights.items()}
        self.relus = [l['config']['name'] for l in layers if l['class_name'] == 'ReLU']

    def param(self, layer, name):
        return self.w[f'{layer}/{name}']

    def forward(self, x_nhwc, flips=None, record=None):
        """Logits of NHWC images. flips: {relu name: bool mask of its input shape}, units whose
        gradient mask is inverted. record: dict that receives each ReLU6's (input, output)."""
        values = {}
        for layer in self.layers:
            kind, cfg = layer['class_name'], layer['config']
            name = cfg['name']
            inputs = [values[n[0]] for n in layer['inbound_nodes'][0]] if layer['inbound_nodes'] else []
            if kind == 'InputLayer':
                y = x_nhwc.permute(0, 3, 1, 2)
            elif kind == 'ZeroPadding2D':
                (t, b), (l, r) = cfg['padding']
                y = F.pad(inputs[0], (l, r, t, b))
            elif kind in ('Conv2D', 'DepthwiseConv2D'):
                x = inputs[0]
                kh, kw = cfg['kernel_size']
                s = cfg['strides'][0]
                if cfg['padding'] == 'same':
                    # TensorFlow's SAME: the extra row/column of an odd total goes to the bottom/right.
                    ph = max((-(-x.shape[2] // s) - 1) * s + kh - x.shape[2], 0)
                    pw = max((-(-x.shape[3] // s) - 1) * s + kw - x.shape[3], 0)
                    x = F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))
                if kind == 'Conv2D':
                    k = self.param(name, 'kernel').permute(3, 2, 0, 1)
                    y = F.conv2d(x, k, stride=s)
                else:
                    k = self.param(name, 'depthwise_kernel')  # kh, kw, cin, 1
                    y = F.conv2d(x, k.permute(2, 3, 0, 1).reshape(-1, 1, kh, kw), stride=s, groups=x.shape[1])
                if cfg.get('use_bias'):
                    y = y + self.param(name, 'bias').view(1, -1, 1, 1)
            elif kind == 'BatchNormalization':
                p = lambda n: self.param(name, n).view(1, -1, 1, 1)
                y = (inputs[0] - p('moving_mean')) / torch.sqrt(p('moving_variance') + cfg['epsilon']) * p('gamma') + p('beta')
            elif kind == 'ReLU':
                assert cfg['max_value'] == 6 and not cfg.get('threshold') and not cfg.get('negative_slope'), cfg
                y = Relu6.apply(inputs[0], None if flips is None else flips.get(name))
                if record is not None:
                    record[name] = (inputs[0], y)
            elif kind == 'Add':
                y = inputs[0] + inputs[1]
            elif kind == 'GlobalAveragePooling2D':
                y = inputs[0].mean(dim=(2, 3))
            elif kind == 'Dense':
                # The final softmax is removed (HFC Lab's logits); any other activation is not expected.
                assert cfg['activation'] in ('softmax', 'linear'), cfg
                y = inputs[0] @ self.param(name, 'kernel') + self.param(name, 'bias')
            else:
                raise ValueError(f'layer {kind} not handled')
            values[name] = y
        return values[self.layers[-1]['config']['name']]

    def gradient(self, images, labels, flips=None):
        x = torch.tensor(images, dtype=self.dtype, requires_grad=True)
        logits = self.forward(x, flips)
        F.cross_entropy(logits, torch.tensor(labels, dtype=torch.long), reduction='sum').backward()
        return x.grad.numpy().astype(np.float64), logits.detach().numpy().astype(np.float64)


class Relu6(torch.autograd.Function):
    """clip(x, 0, 6) whose gradient passes for 0 < x <= 6 (TF.js' Relu6 gradient), XOR `flip`."""

    @staticmethod
    def forward(ctx, x, flip):
        mask = (x > 0) & (x <= 6)
        if flip is not None:
            mask = mask ^ flip
        ctx.save_for_backward(mask)
        return x.clamp(0, 6)

    @staticmethod
    def backward(ctx, g):
        (mask,) = ctx.saved_tensors
        return g * mask, None


def rel(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def boundary(v):
    """A pre-activation near a clip boundary, as that boundary and the offset from it."""
    return f'0{v:+.2e}' if abs(v) < abs(v - 6) else f'6{v - 6:+.2e}'


def boundary_units(f64, f32, x, margin):
    """ReLU6 units of image x (1 x H x W x C) whose float64 pre-activation lies within `margin`
    times that layer's largest float32 error (PyTorch float32 against float64) of 0 or 6."""
    rec64, rec32 = {}, {}
    with torch.no_grad():
        f64.forward(torch.tensor(x), record=rec64)
        f32.forward(torch.tensor(x, dtype=torch.float32), record=rec32)
    units = []
    for name in f64.relus:
        a, b = rec64[name][0], rec32[name][0].double()
        tol = margin * (a - b).abs().max()
        for idx in ((a.abs() <= tol) | ((a - 6).abs() <= tol)).nonzero().tolist():
            units.append((name, tuple(idx), float(a[tuple(idx)])))
    return units


def flip_effects(f64, x, y, units):
    """Float64 gradient g64 and, per unit, the change of g64 when that unit's gradient mask is
    inverted: ±(dL/dy_u)·∇ₓ pre_u (first order in the other flips; the fit is checked exactly)."""
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    record = {}
    logits = f64.forward(xt, record=record)
    for _, post in record.values():
        post.retain_grad()
    loss = F.cross_entropy(logits, torch.tensor(y, dtype=torch.long), reduction='sum')
    loss.backward(retain_graph=True)
    g64 = xt.grad.numpy().copy()
    effects = []
    for name, idx, v in units:
        passes = 0 < v <= 6
        pre, post = record[name]
        (j,) = torch.autograd.grad(pre[idx], xt, retain_graph=True)
        effects.append((-1 if passes else 1) * float(post.grad[idx]) * j.numpy())
    return g64, effects, {name: pre.shape for name, (pre, _) in record.items()}


def fit_flips(residual, effects):
    """Greedy subset of effects whose sum best matches residual (each used at most once)."""
    chosen, r = [], residual.copy()
    while True:
        best, k = np.linalg.norm(r), None
        for i, e in enumerate(effects):
            if i not in chosen:
                d = np.linalg.norm(r - e)
                if d < best * 0.9:
                    best, k = d, i
        if k is None:
            return chosen
        chosen.append(k)
        r = r - effects[k]


def main(out, margin=4.0):
    layers, weights = load(f'{out}/mnv2')
    images = np.load(f'{out}/mnv2/labelled/images.npy').astype(np.float64)
    labels = np.load(f'{out}/mnv2/labelled/labels.npy').astype(np.int64)
    engines = ('wasm', 'cpu', 'onnxruntime')
    grads = {e: np.load(f'{out}/grad-{e}.npy').astype(np.float64) for e in engines}
    f64, f32 = Net(layers, weights, torch.float64), Net(layers, weights, torch.float32)
    engine_logits = json.load(open(f'{out}/logits.json')) if os.path.exists(f'{out}/logits.json') else {}
    n = len(labels)
    print(
        f'float64 reference (PyTorch rebuild of model.json + weights.bin), per image: ‖g − g64‖/‖g64‖, then against g64 with\n'
        f'the fitted ReLU6 mask flips among the units within {margin:g}x float32 rounding of 0 or 6 ("near")'
    )
    print(f"{'img':>3} {'near':>4}  " + ''.join(f'{e:>12}' for e in engines) + '  ' + ''.join(f'{e + " flipped":>24}' for e in engines))
    rows, g64s = [], []
    for i in range(n):
        x, y = images[i : i + 1], labels[i : i + 1]
        units = boundary_units(f64, f32, x, margin)
        g64, effects, shapes = flip_effects(f64, x, y, units)
        g64s.append(g64)
        row = {'image': i, 'label': int(y[0]), 'near': len(units), 'vs64': {}, 'flipped': {}, 'flips': {}}
        for e in engines:
            g = grads[e][i : i + 1]
            row['vs64'][e] = rel(g, g64)
            chosen = fit_flips(g - g64, effects)
            flips = {}
            for k in chosen:
                name, idx, _ = units[k]
                flips.setdefault(name, torch.zeros(shapes[name], dtype=torch.bool))[idx] = True
            exact = f64.gradient(x, y, flips)[0] if chosen else g64
            row['flipped'][e] = rel(g, exact)
            row['flips'][e] = [{'layer': units[k][0], 'index': list(units[k][1]), 'f64': units[k][2]} for k in chosen]
        if engine_logits:
            with torch.no_grad():
                l64 = f64.forward(torch.tensor(x)).numpy()[0]
            row['logits'] = {e: rel(np.array(engine_logits[e][i]), l64) for e in engine_logits}
        rows.append(row)
        print(
            f'{i:3d} {len(units):4d}  '
            + ''.join(f"{row['vs64'][e]:12.2e}" for e in engines)
            + '  '
            + ''.join(f"{row['flipped'][e]:13.2e} ({len(row['flips'][e]):2d} flips)" for e in engines)
        )
    g64 = np.concatenate(g64s)
    print('whole batch ‖g − g64‖/‖g64‖: ' + ', '.join(f'{e} {rel(grads[e], g64):.2e}' for e in engines))
    if engine_logits:
        print('logits ‖z − z64‖/‖z64‖, worst image: ' + ', '.join(f"{e} {max(r['logits'][e] for r in rows):.1e}" for e in engine_logits))
    for r in rows:
        for e in engines:
            if r['flips'][e]:
                print(f"image {r['image']} {e}: flipped " + ', '.join(f"{u['layer']}{u['index']} at {boundary(u['f64'])}" for u in r['flips'][e]))
    json.dump(rows, open(f'{out}/f64-comparison.json', 'w'), indent=1)


if __name__ == '__main__':
    main(sys.argv[1])
