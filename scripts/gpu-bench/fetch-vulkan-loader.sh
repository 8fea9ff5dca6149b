#!/usr/bin/env bash
# Downloads the Vulkan loader and the GL vendor-neutral libraries the NVIDIA Vulkan
# driver needs (the device image has the driver but may lack the loader) as amd64
# .deb files into .gl/ at the repository root, as /work/.library/device/README.md
# describes. Run once, here (with network); the device's run.sh unpacks them.
#
#   scripts/gpu-bench/fetch-vulkan-loader.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
exclude=$(git rev-parse --git-path info/exclude)
grep -qx '/.gl/' "$exclude" 2>/dev/null || git check-ignore -q .gl/x.deb || echo /.gl/ >>"$exclude"
mkdir -p .gl /tmp/amd64/partial
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
apt-get "${o[@]}" update -qq
(cd .gl && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
ls -la .gl
du -sh .gl
