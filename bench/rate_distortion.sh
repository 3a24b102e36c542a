#!/usr/bin/env bash
# The rate-distortion table of the README (issue 17, "Compression"): held-out PSNR against the
# latent size for PCA (`latentlab reduce`), the AE and the VAE (`latentlab train`, the VAE's mean
# code decoded), with JPEG at the code's byte size (`reduce --jpeg`: 4 bytes per float32 dimension)
# as the everyday reference. On the built-in digits (its own split: 10000 train, 2000 held out) and
# on the MNIST test file (first 8000 train, last 2000 held out; skipped if absent). AE and VAE are
# 784-400-L, ReLU, Adam 1e-3, batch 128: the train defaults. With several seeds a cell is the mean
# and the range over seeds. Not part of CI.
# usage: bench/rate_distortion.sh [BUILD_DIR] [EPOCHS] [SEEDS] [LATENTS] [SETS]
#   bench/rate_distortion.sh build 10 "1 2 3" "2 4 8 16 32" "digits mnist"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
build="${1:-$here/../build}"
epochs="${2:-10}"
seeds="${3:-1}"
latents="${4:-2 4 8 16 32}"
sets="${5:-digits mnist}"
mnist="$here/../../shared/data/mnist/t10k-images-idx3-ubyte.gz"
exe="$build/latentlab"
runs="$(mktemp)"
trap 'rm -f "$runs"' EXIT
bench_stamp
echo "command: bench/rate_distortion.sh $build $epochs \"$seeds\" \"$latents\" \"$sets\""
echo "AE/VAE: 784-400-L, $epochs epochs, seeds $seeds"

measure() {  # NAME DATA_FLAGS...: one JSON line per run into $runs, tagged with the set's name
  local name="$1"; shift
  for l in $latents; do
    "$exe" reduce "$@" --latent "$l" --jpeg --no-raw-probe --json | sed "s/^{/{\"set\":\"$name\",/" >> "$runs"
    for s in $seeds; do
      for m in ae vae; do
        "$exe" train "$@" --model "$m" --latent "$l" --epochs "$epochs" --seed "$s" --json 2>/dev/null |
          sed "s/^{/{\"set\":\"$name\",/" >> "$runs"
      done
    done
    echo "$name latent $l done" >&2
  done
  # PCA at the first latent whose code is as large as the smallest JPEG: the two at equal bytes.
  local first
  first=$(grep -m1 "\"set\":\"$name\",\"model\":\"pca\"" "$runs" |
    /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['jpeg_first_matching_latent'])")
  "$exe" reduce "$@" --latent "$first" --jpeg --no-raw-probe --json | sed "s/^{/{\"set\":\"$name\",\"matched\":1,/" >> "$runs"
}

case " $sets " in *" digits "*) measure digits --data digits ;; esac
case " $sets " in *" mnist "*)
  if [ -f "$mnist" ]; then measure mnist --data "$mnist" --train 8000
  else echo "rate_distortion: MNIST skipped: $mnist not found"; fi ;;
esac

/usr/bin/python3 - "$runs" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def cell(vals):
    if not vals: return "-"
    m = sum(vals) / len(vals)
    return f"{m:.2f}" if len(vals) == 1 else f"{m:.2f} ({min(vals):.2f}-{max(vals):.2f})"
for name in dict.fromkeys(r["set"] for r in rows):
    mine = [r for r in rows if r["set"] == name]
    pca = {r["latent"]: r for r in mine if r["model"] == "pca" and "matched" not in r}
    at_match = [r for r in mine if "matched" in r]
    print(f"\n{name}: held-out PSNR (dB) against the latent size")
    print("| latent | code bytes | PCA | AE | VAE (mean decoded) | JPEG at the closest size: quality, bytes (scan bytes), PSNR |")
    print("| --- | --- | --- | --- | --- | --- |")
    for l in sorted(pca):
        p = pca[l]
        ae = [r["psnr"] for r in mine if r["model"] == "ae" and r["latent"] == l]
        vae = [r["psnr"] for r in mine if r["model"] == "vae" and r["latent"] == l]
        jpeg = f"q{p['jpeg_quality']}, {p['jpeg_bytes']:.0f} ({p['jpeg_scan_bytes']:.0f}), {p['jpeg_psnr']:.2f}"
        print(f"| {l} | {p['code_bytes']:.0f} | {p['psnr']:.2f} | {cell(ae)} | {cell(vae)} | {jpeg} |")
    p = next(iter(pca.values()))
    first = p["jpeg_first_matching_latent"]
    print(f"\n{name}: the smallest JPEG (quality 1) is {p['jpeg_min_bytes']:.0f} bytes on average "
          f"({p['jpeg_min_psnr']:.2f} dB); a code first reaches that size at {first} floats"
          + ("" if first <= max(pca) else f", beyond the largest latent measured ({max(pca)})") + ".")
    for r in at_match:
        print(f"{name}: at {r['latent']} floats ({r['code_bytes']:.0f} bytes) PCA gives {r['psnr']:.2f} dB; JPEG at "
              f"quality {r['jpeg_quality']} ({r['jpeg_bytes']:.0f} bytes) gives {r['jpeg_psnr']:.2f} dB.")
PY
