#!/usr/bin/env python3
"""Independent check of FGSM and DeepFool on the embedded MNIST model (a dev script, not part of the app).

Rebuilds resources/models/mnist in PyTorch from its own weights, runs
  * FGSM as Foolbox 1.8's GradientSignAttack (1,000 epsilons, re-scan of 20 below a hit among the first 20,
    exact sign of the cross-entropy gradient, success = misclassification), and
  * L2 DeepFool with Foolbox 3's rules (top-10 candidates, logit differences, nearest linearised boundary,
    step (|Δz|/‖∇Δz‖ + 1e-4)·∇Δz/‖∇Δz‖, overshoot 0.02 applied to the total perturbation, clip to [0, 1]),
on the first N MNIST test images, and compares them with what `hfc-lab attack --out` wrote:
  * FGSM: per image, success and epsilon against the reference;
  * DeepFool: every reported success re-scored by PyTorch, the margins PyTorch computes for the project's
    adversarials against the project's own, and the L2 distances against the reference's.

Usage (numpy and torch needed; run from the repository root):
  hfc-lab attack --model mnist --data mnist --attack fgsm --limit 100 --out /tmp/fgsm
  hfc-lab attack --model mnist --data mnist --attack deepfool --limit 100 --out /tmp/deepfool
  /usr/bin/python3 scripts/reference/mnist_attacks.py --fgsm /tmp/fgsm --deepfool /tmp/deepfool --n 100
The reference runs in float64 (the exact math; --float32 for PyTorch's float32), with the cross-entropy gradient
written as the engine writes it (the true class's entry of softmax − onehot as −Σ_{j≠y} p_j): in float32,
PyTorch's own p_y − 1 rounds to 0 on confident digits and the gradient's direction becomes rounding noise.
"""
import argparse
import csv
import gzip
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_model(folder, precision=torch.float32):
    spec = json.load(open(os.path.join(folder, 'model.json')))
    raw = open(os.path.join(folder, 'weights.bin'), 'rb').read()
    weights, at = {}, 0
    for group in spec['weightsManifest']:
        for w in group['weights']:
            dtype = np.float16 if w.get('quantization', {}).get('dtype') == 'float16' else np.float32
            count = int(np.prod(w['shape']))
            weights[w['name']] = np.frombuffer(raw, dtype=dtype, count=count, offset=at).astype(np.float32).reshape(w['shape'])
            at += count * np.dtype(dtype).itemsize
    t = {k: torch.tensor(v, dtype=precision) for k, v in weights.items()}

    def logits(x_nhwc):
        x = x_nhwc.permute(0, 3, 1, 2)
        x = F.max_pool2d(F.relu(F.conv2d(x, t['conv1/kernel'].permute(3, 2, 0, 1), t['conv1/bias'], padding=2)), 2)
        x = F.max_pool2d(F.relu(F.conv2d(x, t['conv2/kernel'].permute(3, 2, 0, 1), t['conv2/bias'], padding=2)), 2)
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # Keras flattens NHWC
        x = F.relu(x @ t['fc1/kernel'] + t['fc1/bias'])
        return x @ t['fc2/kernel'] + t['fc2/bias']

    return logits


def load_mnist(folder, n):
    images = gzip.open(os.path.join(folder, 't10k-images-idx3-ubyte.gz')).read()
    labels = gzip.open(os.path.join(folder, 't10k-labels-idx1-ubyte.gz')).read()
    x = np.frombuffer(images, dtype=np.uint8, count=n * 784, offset=16).astype(np.float32) / 255
    y = np.frombuffer(labels, dtype=np.uint8, count=n, offset=8).astype(np.int64)
    return torch.tensor(x.reshape(n, 28, 28, 1)), torch.tensor(y)


def margins(z, y):
    others = z.clone()
    others[torch.arange(len(y)), y] = -float('inf')
    return z[torch.arange(len(y)), y] - others.max(1).values


def fgsm_reference(model, x, y):
    """Foolbox 1.8 GradientSignAttack: smallest fooling epsilon per image (0 when clean is wrong, nan on failure)."""
    xg = x.clone().requires_grad_(True)
    z = model(xg)
    # dCE/dz = softmax − onehot, the true class's entry as −Σ_{j≠y} p_j (exact when p_y ≈ 1).
    p = torch.softmax(z, 1).detach()
    onehot = F.one_hot(y, z.shape[1]).to(z.dtype)
    others = p * (1 - onehot)
    z.backward(others - onehot * others.sum(1, keepdim=True))
    direction = torch.sign(xg.grad)
    eps_out = np.full(len(y), np.nan)
    with torch.no_grad():
        wrong = (model(x).argmax(1) != y).numpy()
        eps_out[wrong] = 0

        def fooled(rows, eps):
            e = torch.tensor(eps, dtype=x.dtype).view(-1, 1, 1, 1)
            return (model(torch.clamp(x[rows] + e * direction[rows], 0, 1)).argmax(1) != y[rows]).numpy()

        # Every image walks the same grid; those still unfooled share one forward pass per epsilon.
        grid = np.linspace(0, 1, 1001)[1:]
        pending = np.where(~wrong)[0]
        for k, e in enumerate(grid):
            if len(pending) == 0:
                break
            hit = fooled(pending, np.full(len(pending), e))
            for i in pending[hit]:
                eps_out[i] = e
                if k < 20:
                    fine = np.linspace(0, e, 21)[1:]
                    first = np.where(fooled(np.full(20, i), fine))[0]
                    if len(first):
                        eps_out[i] = fine[first[0]]
            pending = pending[~hit]
    return eps_out


def deepfool_reference(model, x, y, steps=100, candidates=10, overshoot=0.02):
    """Foolbox 3 L2DeepFoolAttack (loss 'logits'); returns the adversarials (x where it failed) and success."""
    with torch.no_grad():
        z0 = model(x)
    classes = z0.argsort(1, descending=True)[:, :candidates]
    rows = torch.arange(len(y))
    x0 = x.clone()
    xs = x.clone()
    p_total = torch.zeros_like(x)
    for _ in range(steps):
        xg = xs.clone().requires_grad_(True)
        z = model(xg)
        is_adv = z.argmax(1) != y
        if bool(is_adv.all()):
            break
        losses, grads = [], []
        for k in range(1, candidates):
            loss = z[rows, classes[:, k]] - z[rows, classes[:, 0]]
            g, = torch.autograd.grad(loss.sum(), xg, retain_graph=True)
            losses.append(loss.detach())
            grads.append(g)
        losses = torch.stack(losses, 1)
        grads = torch.stack(grads, 1)
        norms = grads.flatten(2).norm(dim=2)
        distances = losses.abs() / (norms + 1e-8)
        best = distances.argmin(1)
        d = distances[rows, best] + 1e-4
        g = grads[rows, best]
        step = (d / (g.flatten(1).norm(dim=1) + 1e-8)).view(-1, 1, 1, 1) * g
        p_total = p_total + step
        xs = torch.where(is_adv.view(-1, 1, 1, 1), xs, torch.clamp(x0 + (1 + overshoot) * p_total, 0, 1)).detach()
    with torch.no_grad():
        success = (model(xs).argmax(1) != y).numpy()
    return xs, success


def read_samples(folder):
    with open(os.path.join(folder, 'samples.csv')) as f:
        return list(csv.DictReader(f))


def read_npy(path):
    data = open(path, 'rb').read()
    header_len = int.from_bytes(data[8:10], 'little')
    header = eval(data[10:10 + header_len].decode('latin1'))  # the app's own .npy header (a dict literal)
    return np.frombuffer(data, dtype=np.float32, offset=10 + header_len).reshape(header['shape'])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--fgsm', help='folder written by hfc-lab attack --attack fgsm --out')
    parser.add_argument('--deepfool', help='folder written by hfc-lab attack --attack deepfool --out')
    parser.add_argument('--n', type=int, default=100)
    parser.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data', 'mnist'))
    parser.add_argument('--json', help='write the comparison here')
    parser.add_argument('--float32', action='store_true', help='run the reference attacks in float32 (default: float64, the exact math)')
    args = parser.parse_args()
    torch.set_grad_enabled(True)
    torch.set_num_threads(1)
    report = {'n': args.n}
    folder = os.path.join(ROOT, 'resources', 'models', 'mnist')
    dtype = torch.float32 if args.float32 else torch.float64
    model = load_model(folder, dtype)
    model32 = load_model(folder, torch.float32)
    x32, y = load_mnist(args.data, args.n)
    x = x32.to(dtype)
    report['reference_precision'] = str(dtype)
    with torch.no_grad():
        report['clean_correct'] = int((model(x).argmax(1) == y).sum())
        report['max_abs_logit_difference_float32_vs_float64'] = float((model32(x32).double() - model(x).double()).abs().max())

    if args.fgsm:
        ref = fgsm_reference(model, x, y)
        rows = read_samples(args.fgsm)
        ours = np.array([float(r['epsilon']) if r['success'] == '1' else np.nan for r in rows])
        ref_ok, our_ok = ~np.isnan(ref), ~np.isnan(ours)
        both = ref_ok & our_ok
        same = both & (np.abs(ref - ours) < 1e-6)
        report['fgsm'] = {
            'reference_fooled': int(ref_ok.sum()),
            'project_fooled': int(our_ok.sum()),
            'reference_only': [int(i) for i in np.where(ref_ok & ~our_ok)[0]],
            'project_only': [int(i) for i in np.where(~ref_ok & our_ok)[0]],
            'both': int(both.sum()),
            'same_epsilon': int(same.sum()),
            'same_epsilon_share_of_both': float(same.sum() / max(both.sum(), 1)),
            'different_epsilon': [(int(i), float(ours[i]), float(ref[i])) for i in np.where(both & ~same)[0]],
        }

    if args.deepfool:
        rows = read_samples(args.deepfool)
        adv = torch.tensor(read_npy(os.path.join(args.deepfool, 'adversarial.npy')))
        success = np.array([r['success'] == '1' for r in rows])
        project_margin = np.array([float(r['margin']) for r in rows])
        with torch.no_grad():
            # Scored by PyTorch in float32 (another framework, the same precision) and in float64.
            z = model32(adv)
            torch_margin = margins(z, y).numpy()
            still = (z.argmax(1) != y).numpy()
            still64 = (model(adv.to(dtype)).argmax(1) != y).numpy()
        ref_adv, ref_success = deepfool_reference(model, x, y)
        ref_l2 = (ref_adv - x).flatten(1).norm(dim=1).detach().numpy()
        our_l2 = np.array([float(r['l2']) for r in rows])
        # Images the model already gets wrong stay at distance 0 on both sides: no ratio.
        both = success & ref_success.astype(bool) & (ref_l2 > 0)
        ratio = our_l2[both] / ref_l2[both]
        with torch.no_grad():
            ref_margin = margins(model(ref_adv), y).numpy()
        report['deepfool'] = {
            'project_successes': int(success.sum()),
            'project_successes_misclassified_in_pytorch': int((success & still).sum()),
            'share_holding': float((success & still).sum() / max(success.sum(), 1)),
            'project_successes_misclassified_in_float64': int((success & still64).sum()),
            'max_abs_margin_difference_project_vs_pytorch': float(np.abs(project_margin - torch_margin).max()),
            'project_margin_range_of_successes': [float(project_margin[success].min()), float(project_margin[success].max())],
            'reference_successes': int(ref_success.sum()),
            'reference_margin_range_of_successes': [float(ref_margin[ref_success.astype(bool)].min()), float(ref_margin[ref_success.astype(bool)].max())],
            'reference_within_1e-4_of_a_tie': int((np.abs(ref_margin) < 1e-4).sum()),
            'l2_ratio_project_over_reference': {'median': float(np.median(ratio)), 'min': float(ratio.min()), 'max': float(ratio.max())},
            'median_l2': {'project': float(np.median(our_l2[success])), 'reference': float(np.median(ref_l2[ref_success.astype(bool)]))},
        }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        open(args.json, 'w').write(text + '\n')


if __name__ == '__main__':
    main()
