#!/usr/bin/env bash
# The anomaly table of the README: for each held-out digit 0..9, `latentlab anomaly` and the same
# protocol in PyTorch (bench/anomaly_torch.py), in one run, one thread each: the VAE 784-400-20 of
# pytorch/examples, 10 epochs, MNIST test file (first 8000 train without the digit, last 2000 held
# out), AUC of -ELBO, and of the distance to the nearest training code. Not part of CI.
# The PyTorch side needs Debian's python3-torch and libopenblas0-pthread; without them it is
# skipped (a "-" in its rows) and our side still runs.
# usage: bench/anomaly_table.sh [BUILD_DIR] [EPOCHS] [SEED]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
build="${1:-$here/../build}"
epochs="${2:-10}"
seed="${3:-1}"
mnist="$here/../../shared/data/mnist/t10k-images-idx3-ubyte.gz"
[ -f "$mnist" ] || { echo "anomaly_table: skipped: $mnist not found"; exit 0; }
torch=1
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "anomaly_table: PyTorch side skipped: python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)"
  torch=0
elif ! ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1; then
  echo "anomaly_table: PyTorch side skipped: libopenblas0-pthread is not installed (torch would use the slow reference BLAS)"
  torch=0
fi
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }
bench_stamp
echo "epochs $epochs, seed $seed"
ours_elbo="| latentlab, -ELBO |"; ours_near="| latentlab, nearest code |"; ours_recon="| latentlab, recon |"; ours_kl="| latentlab, KL alone |"
torch_elbo="| PyTorch, -ELBO |"; torch_near="| PyTorch, nearest code |"
for k in 0 1 2 3 4 5 6 7 8 9; do
  json=$("$build/latentlab" anomaly --data "$mnist" --train 8000 --holdout-label "$k" --epochs "$epochs" --seed "$seed" --json 2>/dev/null)
  ours_elbo+=" $(echo "$json" | field "['auc']" | xargs printf '%.3f') |"
  ours_near+=" $(echo "$json" | field "['auc_by_score']['nearest']" | xargs printf '%.3f') |"
  ours_recon+=" $(echo "$json" | field "['auc_by_score']['recon']" | xargs printf '%.3f') |"
  ours_kl+=" $(echo "$json" | field "['auc_by_score']['kl']" | xargs printf '%.3f') |"
  if [ "$torch" = 1 ]; then
    tj=$(/usr/bin/python3 "$here/anomaly_torch.py" --holdout-label "$k" --epochs "$epochs" --seed "$seed")
    torch_elbo+=" $(echo "$tj" | field "['auc']" | xargs printf '%.3f') |"
    torch_near+=" $(echo "$tj" | field "['auc_nearest']" | xargs printf '%.3f') |"
  else
    torch_elbo+=" - |"; torch_near+=" - |"
  fi
  echo "digit $k done" >&2
done
echo "| score | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "$ours_elbo" "$torch_elbo" "$ours_recon" "$ours_kl" "$ours_near" "$torch_near"
