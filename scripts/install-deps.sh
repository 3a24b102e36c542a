#!/usr/bin/env bash
# Installs the Debian 12 packages latentlab builds and tests with (the README says why each is
# there). Works as root or through sudo; does nothing slow when everything is already there.
set -euo pipefail
packages=(
  cmake g++ make pkg-config   # the build
  ninja-build                 # the sanitizer stages' builds (scripts/ci-sanitizers.sh): starts a test's files while the libraries still build
  libasan8 libubsan1 libtsan2 # GCC's sanitizer runtimes, for CI's sanitizer builds (scripts/ci-sanitizers.sh)
  libimgui-dev                # Dear ImGui 1.86 with its GLFW + OpenGL3 backends (the GUI)
  libglfw3-dev                # window, input, GL context
  python3-glad                # generates the OpenGL 3.3 core loader at build time
  libeigen3-dev               # the compute core's linear algebra
  libstb-dev                  # stb_image (image folders) and stb_image_write (PNG output)
  zlib1g-dev                  # gzip-compressed IDX files
  doctest-dev                 # unit tests
  xvfb xauth                  # the GUI tests run the real window on a virtual display
  dpkg-dev file               # cpack -G DEB: dpkg-shlibdeps finds the runtime dependencies (the install test)
  xdotool openbox wmctrl      # the GUI under fire: random input, a window manager, closing the window
  libgl1-mesa-dri             # Mesa llvmpipe: OpenGL without a GPU, under Xvfb
  fonts-dejavu-core           # a readable UI font (DejaVu Sans); the app falls back without it
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
