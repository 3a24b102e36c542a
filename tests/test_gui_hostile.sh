#!/bin/sh
# Hostile data in the real app, the cases the CLI tests cannot see (issue 11):
#  1. a folder with a disguised image: it loads without that file, and the load's warning, naming
#     the file, reaches the Data panel (the state dump lists what the panel draws);
#  2. the legend cap: a CSV of 1000 distinct labels (the most kCsvMaxClasses allows) loads and the
#     legend names 20 of them; one of 1001 is refused with a message and the previous data stays;
#     30 rows with one label 99999 are remapped to 3 classes, not 100,000;
#  3. memory: with the address space limited (ulimit -v), loading a gzip IDX whose 640 MB payload
#     is within every budget fails to allocate: the app says "not enough memory", keeps the data
#     it had, and goes on (a state dump after it, then a clean quit).
#   test_gui_hostile.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "test_gui_hostile: FAIL: $*" >&2; exit 1; }

# Twelve real 16x16 PNGs in two labels, and a PGM header named .png among them.
png_classes "$dir/mixed"
printf 'P5\n1 1\n255\n' > "$dir/mixed/a/fake.png"

# 2000 rows with labels 0..999 (the cap), the same with 0..1000 (one over), and 30 rows with 99999.
labels_csv() {  # labels_csv <distinct labels> <file>
  awk -v k="$1" 'BEGIN { srand(7); print "x,y,z,label"
    for (i = 0; i < 2000; i++) printf "%.3f,%.3f,%.3f,%d\n", rand(), rand(), rand(), i % k }' > "$2"
}
labels_csv 1000 "$dir/labels1000.csv"
labels_csv 1001 "$dir/labels1001.csv"
awk 'BEGIN { srand(5); print "x,y,z,label"
  for (i = 0; i < 30; i++) printf "%.3f,%.3f,%.3f,%d\n", rand(), rand(), rand(), (i == 17 ? 99999 : i % 2) }' > "$dir/labels99999.csv"

cat > "$dir/script.txt" <<EOS
data $dir/mixed
state $dir/mixed.txt
panel data on
screenshot $dir/mixed.png
data $dir/labels1000.csv csv-label=label
train 20
screenshot $dir/labels1000.png
state $dir/labels1000.txt
data $dir/labels1001.csv csv-label=label
state $dir/labels1001.txt
data $dir/labels99999.csv csv-label=label
state $dir/labels99999.txt
quit
EOS
xvfb $((120 * scale)) 1600x900 "$exe" --paused --points 2000 --script "$dir/script.txt" \
  > "$dir/stdout.log" 2> "$dir/stderr.log" || fail "the app failed (status $?): $(tail -n 5 "$dir/stderr.log")"

# 1. The disguised file is skipped and named, the twelve real images load.
grep -qx "dataset=$dir/mixed" "$dir/mixed.txt" || fail "the mixed folder did not load"
grep -qx "samples=12" "$dir/mixed.txt" || fail "the mixed folder should give 12 images: $(grep samples "$dir/mixed.txt")"
grep -qx "data_warning=1 of 13 image files skipped; 12 loaded" "$dir/mixed.txt" ||
  fail "no summary warning: $(grep warning "$dir/mixed.txt")"
grep -q "^data_warning=skipped a/fake\.png: not a PNG or JPEG" "$dir/mixed.txt" || fail "the warning does not name fake.png and why"
"$png_check" "$dir/mixed.png" 1600 900

# 2. Labels: 1000 load with a legend of 20; 1001 are refused, the 1000 stay; 99999 is remapped.
grep -qx "labels=1000" "$dir/labels1000.txt" || fail "1000 labels: $(grep '^labels' "$dir/labels1000.txt")"
grep -qx "legend_labels=20" "$dir/labels1000.txt" || fail "the legend is not capped at 20"
grep -qx "data_error=" "$dir/labels1000.txt" || fail "1000 labels were refused"
grep -q "^data_error=.*labels1001\.csv.*1000" "$dir/labels1001.txt" || fail "1001 labels: no error naming the file and the cap"
grep -qx "dataset=$dir/labels1000.csv" "$dir/labels1001.txt" || fail "the refused CSV replaced the data"
grep -qx "labels=3" "$dir/labels99999.txt" || fail "label 99999 was not remapped: $(grep '^labels' "$dir/labels99999.txt")"
"$png_check" "$dir/labels1000.png" 1600 900

# 3. Not enough memory for a load within the budgets: refused with a message, the data kept.
# 640 images of 1024x1024 (the per-image limit), gzip of zeros: a 640 MB payload from a 0.6 MB file.
python3 - "$dir/big.idx.gz" <<'EOF'
import gzip, struct, sys
with gzip.GzipFile(sys.argv[1], 'wb', compresslevel=1, mtime=0) as f:
    f.write(bytes([0, 0, 8, 3]) + struct.pack('>III', 640, 1024, 1024))
    zeros = bytes(1 << 20)
    for _ in range(640):
        f.write(zeros)
EOF
cat > "$dir/memory.txt" <<EOS
data $dir/big.idx.gz
state $dir/memory-state.txt
train 5
state $dir/memory-after.txt
quit
EOS
# The limit is the app's own address space (under 1 GB with llvmpipe on two threads: each thread's
# stack counts, so LP_NUM_THREADS fixes their number whatever the machine) plus less than the payload.
xvfb $((120 * scale)) 1600x900 env LP_NUM_THREADS=2 sh -c 'ulimit -v 1300000 && exec "$@"' sh \
  "$exe" --paused --points 2000 --script "$dir/memory.txt" > "$dir/memory-stdout.log" 2> "$dir/memory-stderr.log" ||
  fail "the app under ulimit -v failed (status $?): $(tail -n 5 "$dir/memory-stderr.log")"
grep -q "^data_error=.*big\.idx\.gz.*not enough memory" "$dir/memory-state.txt" ||
  fail "no 'not enough memory' error: $(grep data_error "$dir/memory-state.txt")"
grep -qx "dataset=digits" "$dir/memory-state.txt" || fail "the failed load replaced the data"
grep -qx "dataset=digits" "$dir/memory-after.txt" || fail "the app did not go on after the failed load"
if grep -Ei "internal error|sanitizer|runtime error|terminate called|bad_alloc|segmentation" "$dir/stderr.log" "$dir/memory-stderr.log"; then
  fail "stderr reports a crash"
fi
echo "test_gui_hostile: ok"
