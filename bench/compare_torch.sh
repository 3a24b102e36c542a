#!/usr/bin/env bash
# Runs `latentlab bench` and PyTorch's reference benchmark in the same run, one thread each, and
# prints the ratios. Not part of CI. ARCH mlp: the 784-400-20 VAE of
# ../shared/reference/torch_vae_bench.py at batch 16, 128, 256; ARCH conv: the conv VAE at 28x28x1,
# against its twin bench/conv_torch.py, at batch 64 and 128.
# Needs Debian's python3-torch and libopenblas0-pthread (without OpenBLAS, torch falls back to the
# reference BLAS and the comparison means nothing); skips cleanly when they are absent.
# usage: bench/compare_torch.sh [BUILD_DIR] [SECONDS] [mlp|conv]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
seconds="${2:-5}"
arch="${3:-mlp}"
case "$arch" in
  mlp)  reference="$here/../../shared/reference/torch_vae_bench.py"; batches="16 128 256" ;;
  conv) reference="$here/conv_torch.py"; batches="64 128" ;;
  *) echo "compare_torch: unknown architecture '$arch' (mlp or conv)" >&2; exit 2 ;;
esac
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "compare_torch: skipped: python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)"
  exit 0
fi
if ! ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1; then
  echo "compare_torch: skipped: libopenblas0-pthread is not installed; torch would use the slow reference BLAS"
  exit 0
fi
[ -f "$reference" ] || { echo "compare_torch: skipped: $reference not found"; exit 0; }
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# The CPU as CPUID names it, and one core's measured FMA peak, from the bench itself.
"$build/latentlab" bench --batch 16 --seconds 0.05 --resident 0 --json | /usr/bin/python3 -c "
import json, sys; j = json.load(sys.stdin)
print(f\"date: $(date -u +%Y-%m-%d)  cpu: {j['cpu']}  build: {j['build_simd']}\")
print(f\"one core's FMA peak: AVX2 {j['peak_gflops_avx2']:.1f}, AVX-512 {j['peak_gflops_avx512']:.1f} GFLOP/s\")"
printf "%-8s %14s %14s %8s %12s\n" batch latentlab/s torch/s ratio "% of peak"
for batch in $batches; do
  read -r ours fraction < <("$build/latentlab" bench --arch "$arch" --batch "$batch" --seconds "$seconds" --resident 0 --json |
         /usr/bin/python3 -c "import json,sys; j = json.load(sys.stdin); print(round(list(j['train_samples_per_sec'].values())[0]), round(100 * list(j['train_fraction_of_peak'].values())[0], 1))")
  theirs=$(/usr/bin/python3 "$reference" --batch "$batch" --seconds "$seconds" --threads 1 | sed 's/.*samples\/s=//')
  printf "%-8s %14s %14s %8s %12s\n" "$batch" "$ours" "$theirs" "$(/usr/bin/python3 -c "print(f'{$ours/$theirs:.2f}x')")" "$fraction"
done
echo
"$build/latentlab" bench --arch "$arch" --seconds "$seconds"
