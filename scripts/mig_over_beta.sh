#!/bin/sh
# The beta / disentanglement table of the README ("Inside the VAE"): trains a VAE on the built-in
# sprites for every beta and seed with `latentlab train --json` and prints, per beta, the mean over
# the seeds of the MIG, the held-out reconstruction and KL, and the active units; the raw JSON lines
# go to OUT (default mig_over_beta.jsonl).
#   scripts/mig_over_beta.sh LATENTLAB [OUT] [EXTRA FLAGS...]
# BETAS and SEEDS override the lists ("0.5 1 2 4 8", "1 2 3"); EPOCHS the epochs (20), LATENT the code size (10).
set -eu
exe=$1
out=${2:-mig_over_beta.jsonl}
shift; [ $# -gt 0 ] && shift
: > "$out"
for beta in ${BETAS:-0.5 1 2 4 8}; do
  for seed in ${SEEDS:-1 2 3}; do
    "$exe" train --data sprites --model vae --hidden 256 --latent "${LATENT:-10}" --epochs "${EPOCHS:-20}" --beta "$beta" \
      --seed "$seed" --json "$@" 2>/dev/null | sed "s/^{/{\"beta_flag\":$beta,/" >> "$out"
  done
done
# One row per beta: mean (min-max) MIG, mean recon, KL and active units over the seeds.
awk '
function num(key,   m) { if (match($0, "\"" key "\":[-0-9.e+]+")) return substr($0, RSTART + length(key) + 3, RLENGTH - length(key) - 3) + 0; return "nan" }
{ b = num("beta_flag"); mig = num("mig"); n[b]++; s[b] += mig; r[b] += num("test_recon"); k[b] += num("test_kl"); a[b] += num("active_units")
  if (!(b in lo) || mig < lo[b]) lo[b] = mig; if (!(b in hi) || mig > hi[b]) hi[b] = mig; if (!(b in seen)) { seen[b] = 1; order[++m] = b } }
END { print "| beta | MIG, mean (min-max) | recon | KL | active units |"; print "| --- | --- | --- | --- | --- |"
  for (i = 1; i <= m; i++) { b = order[i]; printf "| %g | %.3f (%.3f-%.3f) | %.1f | %.2f | %.1f |\n", b, s[b] / n[b], lo[b], hi[b], r[b] / n[b], k[b] / n[b], a[b] / n[b] } }' "$out"
