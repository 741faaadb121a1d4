#!/usr/bin/env bash
# MobileNetV2 (Keras architecture, width 0.35, 224x224, 1000 classes, seeded weights) as a TF.js
# Layers model, end to end through the CLI: input gradients on TF.js wasm, the TF.js cpu backend
# and onnxruntime (compared with numpy: relative L2 difference), each engine's logits and input
# gradients per image against a float64 PyTorch rebuild of the same model with the ReLU6 units at
# the clip boundaries counted and fitted (scripts/reference/mobilenet_v2_f64.py, ~30 s per image), and FGSM
# on wasm and onnxruntime over N imagenet-samples labelled with the model's own clean predictions.
# Timings per command.
# Usage: scripts/mobilenet-v2-check.sh [output folder] (default: a temporary one). N=... images (default 8).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
n="${N:-8}"
export HFC_CACHE_DIR="$out/cache"
cli=(node --import tsx src-main/cli/index.ts)
[ -f out/main/cli.js ] && cli=(node bin/hfc-lab.js)
node --import tsx scripts/mobilenet-v2.ts "$out/mnv2" --alpha 0.35 --size 224 --classes 1000 --labelled "$n"
model="$out/mnv2/model.json"
data="$out/mnv2/labelled"
for backend in wasm cpu onnxruntime; do
  start=$(date +%s.%N)
  "${cli[@]}" --backend "$backend" --workers 1 grad --model "$model" --data "$data" --indices "0-$((n - 1))" --out "$out/grad-$backend.npy" --force >/dev/null
  echo "grad on $backend: $(echo "$(date +%s.%N) - $start" | bc) s"
done
/usr/bin/python3 - "$out" <<'PY'
import sys
import numpy as np
d = sys.argv[1]
g = {b: np.load(f'{d}/grad-{b}.npy').astype(np.float64) for b in ('wasm', 'cpu', 'onnxruntime')}
rel = lambda a, b: np.linalg.norm(a - b) / np.linalg.norm(b)
print(f"input gradient, relative to TF.js cpu: wasm {rel(g['wasm'], g['cpu']):.2e}, onnxruntime {rel(g['onnxruntime'], g['cpu']):.2e} (|grad| max {np.abs(g['cpu']).max():.3e})")
PY
node --import tsx scripts/mobilenet-v2-logits.ts "$out"
/usr/bin/python3 scripts/reference/mobilenet_v2_f64.py "$out"
node --import tsx scripts/mobilenet-v2-units.ts "$out" | grep -v "^$\|====\|Hi, looks"
for backend in wasm onnxruntime; do
  start=$(date +%s.%N)
  "${cli[@]}" --backend "$backend" --workers 1 attack --model "$model" --data "$data" --limit "$n" --attack fgsm --out "$out/fgsm-$backend" --force | tail -1
  echo "fgsm on $backend: $(echo "$(date +%s.%N) - $start" | bc) s"
done
cmp <(cut -d, -f1-4,6 "$out/fgsm-wasm/samples.csv") <(cut -d, -f1-4,6 "$out/fgsm-onnxruntime/samples.csv") && echo "FGSM: same clean and adversarial predictions and successes on both engines"
