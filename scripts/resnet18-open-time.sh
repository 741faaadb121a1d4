#!/usr/bin/env bash
# Opening a ResNet-18 to evaluate one image, HFC Lab against PyTorch, whole processes, wall time:
#   hfc-lab eval --model r18.onnx --data imagenet-samples --size 224x224 --resize torchvision --mean/--std ImageNet --limit 1
#   /usr/bin/python3 scripts/reference/resnet18_one_image.py one   (import torch, build, load, preprocess, one forward)
# The ONNX file is torchvision's resnet18 with seeded weights (no download). Prints each run and the ratio of medians.
# Usage: scripts/resnet18-open-time.sh [runs] (default 3). HFC_FLAGS adds global hfc-lab flags (e.g. --workers 1).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
dir="$(mktemp -d)"
export HFC_CACHE_DIR="$dir/cache"
/usr/bin/python3 scripts/reference/resnet18_one_image.py export "$dir"
cli=(node bin/hfc-lab.js ${HFC_FLAGS:-})
[ -f out/main/cli.js ] || cli=(node --import tsx src-main/cli/index.ts ${HFC_FLAGS:-})
seconds() { local start; start=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $start" | bc; }
ours=()
theirs=()
for ((i = 0; i < runs; i++)); do
  ours+=("$(seconds "${cli[@]}" eval --model "$dir/r18.onnx" --data imagenet-samples --size 224x224 --resize torchvision \
    --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --limit 1 --json)")
  theirs+=("$(seconds /usr/bin/python3 scripts/reference/resnet18_one_image.py one "$dir")")
  echo "run $((i + 1)): hfc-lab ${ours[-1]} s, PyTorch ${theirs[-1]} s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
m1=$(median "${ours[@]}")
m2=$(median "${theirs[@]}")
echo "median: hfc-lab $m1 s, PyTorch $m2 s, ratio $(echo "scale=2; $m1 / $m2" | bc) (target <= 2)"
rm -rf "$dir"
