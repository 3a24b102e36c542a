#!/usr/bin/env bash
# The .deb installed and run on a fresh Debian 12: builds the package with `cpack -G DEB`, makes a
# bookworm minbase chroot with debootstrap, installs the .deb there with apt (so its Depends resolve
# from Debian's runtime packages; a -dev dependency would fail the check before that), then runs
# `latentlab --version`, a headless `latentlab train` on built-in data, and the GUI under xvfb-run
# for a few frames with a screenshot, which is copied out.
#
#   sudo scripts/test-deb-chroot.sh [WORK_DIR]     (default /tmp/latentlab-deb-chroot)
#
# The package is built in WORK_DIR/build from this source tree with -DLATENTLAB_NATIVE=OFF (a package
# must not be tuned for the building CPU) and CMAKE_SKIP_INSTALL_ALL_DEPENDENCY (cpack builds only
# latentlab, not every test); set CCACHE_DIR to reuse a compiler cache.
# Not run by CI (CI runs the install test, tests/test_install.sh, which needs no root): this needs
# root (debootstrap, chroot, mounting /proc), the network (about 150 MB from deb.debian.org) and a
# full build plus several minutes. Run it by hand before a release; the README ("Installing")
# records the last run.
# Needs: debootstrap (apt-get install -y debootstrap), dpkg-dev (dpkg-shlibdeps, for cpack), the build's packages.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/latentlab-deb-chroot}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
root="$work/root"
# LATENTLAB_DEB_BUILD=DIR packages an existing build directory instead (faster; but a default,
# -march=native build only runs on CPUs like this one's: fine for this test, not for a release).
build=${LATENTLAB_DEB_BUILD:-$work/build}
fail() { echo "test-deb-chroot: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap and chroot)"
command -v debootstrap > /dev/null || fail "needs debootstrap (apt-get install -y debootstrap)"

mkdir -p "$work"
cleanup() {
  for m in dev/pts dev proc sys; do mountpoint -q "$root/$m" && umount -l "$root/$m"; done
  return 0
}
trap cleanup EXIT
cleanup
rm -rf --one-file-system "$root"
# The chroot is made while the package builds (step 2 waits for it).
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 &
bootstrap=$!

# 1. The package, from this source tree.
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [ -n "${LATENTLAB_DEB_BUILD:-}" ]; then
  cmake -S "$src" -B "$build" -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON > "$work/configure.log"
else
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLATENTLAB_NATIVE=OFF -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON \
    "${launcher[@]}" > "$work/configure.log"
fi
cmake --build "$build" --target latentlab -j2 > "$work/build.log" || { tail -20 "$work/build.log"; fail "the build failed"; }
rm -rf "$work/pkg"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" > "$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(ls "$work"/pkg/*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
echo "test-deb-chroot: $(basename "$deb"): Depends: $depends"
if echo "$depends" | grep -q -- "-dev"; then fail "Depends names a -dev package: $depends"; fi

# 2. A fresh bookworm minbase chroot (made anew every run, so nothing of this machine leaks in).
wait "$bootstrap" || { tail -20 "$work/debootstrap.log"; fail "debootstrap failed"; }
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

# 3. Install the .deb with apt: its Depends (and Recommends: Mesa's software GL, the font) come from Debian.
cp "$deb" "$root/tmp/latentlab.deb"
in_root apt-get update -q > "$work/apt.log" 2>&1
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/latentlab.deb >> "$work/apt.log" 2>&1 ||
  { tail -30 "$work/apt.log"; fail "apt-get install of the .deb failed"; }
# The GUI check's own tools, not dependencies of the package.
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends xvfb xauth >> "$work/apt.log" 2>&1 ||
  { tail -30 "$work/apt.log"; fail "apt-get install xvfb failed"; }
echo "test-deb-chroot: installed: $(in_root dpkg-query -W latentlab)"
in_root sh -c 'dpkg -L latentlab' > "$work/files.txt"
for f in /usr/bin/latentlab /usr/share/applications/latentlab.desktop /usr/share/icons/hicolor/scalable/apps/latentlab.svg \
         /usr/share/man/man1/latentlab.1.gz /usr/share/man/man1/latentlab.1; do
  grep -qx "$f" "$work/files.txt" && echo "test-deb-chroot: has $f"
done

# 4. Run it: the version, a short headless training on built-in data, the GUI for a few frames.
in_root latentlab --version | tee "$work/version.txt"
in_root latentlab train --data digits --count 1200 --epochs 2 --hidden 64 --latent 2 --json > "$work/train.json" 2> "$work/train.txt" ||
  { cat "$work/train.txt"; fail "latentlab train failed in the chroot"; }
grep -q '"test_loss"' "$work/train.json" || fail "train --json printed no summary"
echo "test-deb-chroot: train: $(grep -m2 '^epoch' "$work/train.txt" | tail -1)"
in_root sh -c 'cd /tmp && HOME=/tmp XDG_STATE_HOME=/tmp/state xvfb-run -a -s "-screen 0 1280x800x24" \
  latentlab gui --width 1280 --height 800 --frames 60 --screenshot /tmp/latentlab-chroot.png' > "$work/gui.txt" 2>&1 ||
  { cat "$work/gui.txt"; fail "the GUI failed under xvfb-run in the chroot"; }
cp "$root/tmp/latentlab-chroot.png" "$work/latentlab-chroot.png"
[ -s "$work/latentlab-chroot.png" ] || fail "no screenshot"
echo "test-deb-chroot: ok: screenshot $work/latentlab-chroot.png"
