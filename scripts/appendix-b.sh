#!/usr/bin/env bash
# Regenerates the README's Appendix-B tables ("Band-limited attacks"): band-limited PGD, L-inf and L2,
# on the embedded MNIST model, its D1 (r = 8) and its D2 (r = 2) variant, first N test digits
# (default 100), 20 steps of 0.1 eps per budget (2 eps of travel, so a run can reach the edge of
# its ball), the whole spectrum and three bands (low d < 6, annulus 6 <= d < 12, high d >= 12),
# under every protocol that exists for each variant (the model: direct; D1: transfer and adaptive;
# D2: transfer and direct); then prints the tables (accuracy of the scored model within each budget).
# Usage: scripts/appendix-b.sh [output folder] (default: appendix-b-out). N=... sets the sample size,
# HFC_FLAGS extra hfc-lab global flags, REPORT=0 skips the tables.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-appendix-b-out}"
n="${N:-100}"
mkdir -p "$out"
cli=(node bin/hfc-lab.js ${HFC_FLAGS:-})
for band in all low:6 annulus:6-12 high:12; do
  name="${band//:/-}"
  "${cli[@]}" curve --model mnist --data mnist --limit "$n" --attacks pgd --band "$band" \
    --param pgd.norm=linf --param pgd.epsilons=0.05,0.1,0.2,0.3 --param pgd.steps=20 --param pgd.relStepsize=0.1 \
    --defenses none,d1:8,d2:2 --protocol transfer,direct,adaptive --norm linf --out "$out/linf-$name" --force
  "${cli[@]}" curve --model mnist --data mnist --limit "$n" --attacks pgd --band "$band" \
    --param pgd.norm=l2 --param pgd.epsilons=0.5,1,2,3 --param pgd.steps=20 --param pgd.relStepsize=0.1 \
    --defenses none,d1:8,d2:2 --protocol transfer,direct,adaptive --norm l2 --out "$out/l2-$name" --force
done
if [ "${REPORT:-1}" != 0 ]; then node --import tsx scripts/appendix-b-report.ts "$out"; fi
