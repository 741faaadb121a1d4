#!/usr/bin/env bash
# Regenerates every number of the README section "The paper's figures, reproduced": the two curve
# presets on the embedded MNIST and Fashion-MNIST models (100 images, seed 0), Figure 4 on the RMS
# axis, and HF at r_min = 1 for comparison; then prints the README's tables and writes one PNG
# chart per figure. Usage: scripts/paper-figures.sh [output folder] (default: paper-figures-out).
# Extra hfc-lab global flags (e.g. --backend cpu) go in HFC_FLAGS; DATASETS picks the data sets
# (default: both), REPORT=0 skips the tables (e.g. to run the two data sets in parallel), and
# PNG_DIR=docs/paper-figures refreshes the charts the README shows (default: the output folder).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-paper-figures-out}"
mkdir -p "$out"
cli=(node bin/hfc-lab.js ${HFC_FLAGS:-})
for data in ${DATASETS:-mnist fashion-mnist}; do
  "${cli[@]}" curve --model "$data" --data "$data" --preset paper --out "$out/$data-paper" --force
  "${cli[@]}" curve --model "$data" --data "$data" --preset paper --attacks hf,single-pixel,salt-pepper --defenses none --norm rms --out "$out/$data-fig4-rms" --force
  "${cli[@]}" curve --model "$data" --data "$data" --preset paper --attacks hf --param hf.rMin=1 --defenses none --norm linf --out "$out/$data-hf-rmin1-linf" --force
  "${cli[@]}" curve --model "$data" --data "$data" --preset paper --attacks hf --param hf.rMin=1 --defenses none --norm rms --out "$out/$data-hf-rmin1-rms" --force
  "${cli[@]}" curve --model "$data" --data "$data" --preset defenses-direct --out "$out/$data-direct" --force
done
if [ "${REPORT:-1}" != 0 ]; then node --import tsx scripts/paper-figures-report.ts "$out" "${PNG_DIR:-$out}"; fi
