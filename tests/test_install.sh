#!/bin/sh
# Installed like a desktop program: `cmake --install` into a DESTDIR puts latentlab in bin (it runs:
# --version, --help, a short training), the .desktop file, both icons, the man page and the assets;
# `cpack -G DEB` builds a .deb whose Depends are runtime packages (no -dev), holding the same files,
# and the binary extracted from it runs. (Installing the .deb with dpkg -i needs a container or a
# chroot: README, "Installing", says how.)
#   test_install.sh BUILD_DIR WORKDIR
set -eu
build=$1 dir=$2
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "test_install: $*"; exit 1; }

DESTDIR="$dir/root" cmake --install "$build" --prefix /usr > "$dir/install.log"
root="$dir/root/usr"
for f in bin/latentlab share/applications/latentlab.desktop share/icons/hicolor/scalable/apps/latentlab.svg \
         share/icons/hicolor/256x256/apps/latentlab.png share/man/man1/latentlab.1 \
         share/latentlab/assets/example_manifolds.csv share/latentlab/assets/lessons/digits_ae_vae_28_8.llsession; do
  [ -f "$root/$f" ] || fail "the install lacks $f"
done
version=$(sed -n 's/^project(latentlab VERSION \([0-9.]*\).*/\1/p' "$(dirname "$0")/../CMakeLists.txt")
[ "$("$root/bin/latentlab" --version)" = "latentlab $version" ] || fail "--version does not say $version"
"$root/bin/latentlab" --help | grep -q "XDG_STATE_HOME" || fail "--help lacks the environment"
grep -q "^Exec=latentlab$" "$root/share/applications/latentlab.desktop" || fail "the .desktop file's Exec"
grep -q "^Icon=latentlab$" "$root/share/applications/latentlab.desktop" || fail "the .desktop file's Icon"
"$root/bin/latentlab" train --data "$root/share/latentlab/assets/example_manifolds.csv" --loss mse --hidden 8 \
  --csv-label label --latent 2 --epochs 1 > "$dir/train.txt" || fail "the installed binary does not train"
if command -v desktop-file-validate > /dev/null; then
  desktop-file-validate "$root/share/applications/latentlab.desktop" || fail "desktop-file-validate"
fi

(cd "$dir" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$dir/pkg" > "$dir/cpack.log" 2>&1) ||
  { cat "$dir/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(ls "$dir"/pkg/*.deb)
dpkg-deb -I "$deb" > "$dir/info.txt"
depends=$(sed -n 's/^ Depends: //p' "$dir/info.txt")
echo "$depends" | grep -q "libglfw3" || fail "Depends lacks libglfw3: $depends"
echo "$depends" | grep -q "libgl1" || fail "Depends lacks libgl1: $depends"
echo "$depends" | grep -q "libc6" || fail "Depends lacks libc6: $depends"
if echo "$depends" | grep -q -- "-dev"; then fail "Depends names a -dev package: $depends"; fi
dpkg-deb -c "$deb" > "$dir/contents.txt"
for f in ./usr/bin/latentlab ./usr/share/applications/latentlab.desktop ./usr/share/icons/hicolor/256x256/apps/latentlab.png \
         ./usr/share/man/man1/latentlab.1; do
  grep -q " $f$" "$dir/contents.txt" || fail "the .deb lacks $f"
done
dpkg-deb -x "$deb" "$dir/extracted"
"$dir/extracted/usr/bin/latentlab" --version | grep -q "^latentlab $version$" || fail "the packaged binary does not run"
echo "test_install: ok ($(basename "$deb"); Depends: $depends)"
