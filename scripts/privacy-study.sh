#!/usr/bin/env bash
# Utility vs privacy study (docs/privacy-audit.md, "Utility vs privacy"): test RMSE of central
# DP-FedAvg at epsilon 1, 2, 4, 8, 16 and without privacy, on MovieLens-100K u1 (delta 1e-5) and on
# the 100,000-user synthetic federation (delta 1e-6), beside the bias baseline.
#
#   scripts/privacy-study.sh [OUT_DIR]        # default out/privacy-study; ~4 min on 2 cores
#
# Needs MovieLens-100K in $FEDREC_DATASETS/ml-100k (default ../shared/datasets); without it only
# the synthetic half runs. Writes OUT_DIR/study.csv and OUT_DIR/utility-privacy.svg, and keeps every
# run's summary.json under OUT_DIR/runs/ (a run whose summary.json exists is not repeated). Runs
# are seeded (--seed 0): a rerun publishes the same models (same final_model_sha256).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/out/privacy-study}"
DATA="${FEDREC_DATASETS:-$ROOT/../shared/datasets}/ml-100k"
EPSILONS="1 2 4 8 16"
mkdir -p "$OUT/runs"

# Tuned settings (how they were chosen: docs/privacy-audit.md).
ML_FLAGS=(--dataset movielens-100k --data-dir "$DATA" --split u1 --secagg off --delta 1e-5
  --clients-per-round 300 --rounds 60 --server-lr 7 --rank 2 --local-steps 5 --user-reg 3
  --eval-every 1000 --seed 0)
SYN_FLAGS=(--secagg off --delta 1e-6 --eval-every 1000 --seed 0)

run() { # name, flags...
  local name=$1; shift
  if [ ! -f "$OUT/runs/$name/summary.json" ]; then
    "$ROOT/fedrec" simulate --out "$OUT/runs/$name" "$@" > "$OUT/runs/$name.log" 2>&1 \
      || { echo "run $name failed; see $OUT/runs/$name.log" >&2; exit 1; }
  fi
  jq -r --arg n "$name" '[$n, .dataset, (.privacy.epsilon // "inf"), (.privacy.epsilon_budget // "inf"),
      .privacy.noise_multiplier, .privacy.sampling_rate, .rounds_completed, .rmse, .baseline_rmse,
      .wall_seconds] | @csv' "$OUT/runs/$name/summary.json" >> "$OUT/study.csv"
}

echo 'run,dataset,epsilon_spent_pld,epsilon_budget,noise_multiplier,sampling_rate,rounds,rmse,baseline_rmse,wall_seconds' \
  > "$OUT/study.csv"
if [ -f "$DATA/u1.base" ]; then
  for e in $EPSILONS; do run "ml100k-eps$e" "${ML_FLAGS[@]}" --privacy central --epsilon "$e"; done
  run ml100k-none "${ML_FLAGS[@]}" --privacy none
  # the non-private run with the simulator's own defaults (500 rounds, cohort 100, lr 10)
  run ml100k-none-defaults --dataset movielens-100k --data-dir "$DATA" --split u1 --secagg off \
    --privacy none --eval-every 1000 --seed 0
else
  echo "MovieLens-100K not found in $DATA: skipping its half" >&2
fi
for e in $EPSILONS; do run "synthetic-eps$e" "${SYN_FLAGS[@]}" --privacy central --epsilon "$e"; done
run synthetic-none "${SYN_FLAGS[@]}" --privacy none

awk -F, -f "$ROOT/scripts/utility-privacy-svg.awk" "$OUT/study.csv" > "$OUT/utility-privacy.svg"
column -s, -t "$OUT/study.csv"
echo "wrote $OUT/study.csv and $OUT/utility-privacy.svg"
