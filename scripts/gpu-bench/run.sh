#!/usr/bin/env bash
# What the device machine runs (fedseg issue #7): fedseg's WebGPU benchmark through
# Dawn on the GPU's Vulkan driver, and the PyTorch float32 anchor on the same GPU.
# Needs .gpu-kit (node scripts/gpu-bench/build.mjs) and .gl
# (scripts/gpu-bench/fetch-vulkan-loader.sh), both carried. From the repository root:
#
#   OUT=/some/dir scripts/gpu-bench/run.sh
#
# Every phase is its own process with its own timeout, capped by what is left of
# GPU_KIT_BUDGET_S (default 420 s), so one hang loses only that phase. Leaves in $OUT:
#   gpu-results.json  every phase's result, exit code and time, nvidia-smi, the kit's manifest
#   gpu-results.md    the tables (gpuKit report)
#   run.log           everything the phases printed
#   work.tar.gz       the raw phase files (in case the merge itself failed)
#
# GPU_KIT_ONLY=REGEX runs only the phases whose names match (e.g. 'fets' for a rerun).
# FEDSEG_GPU_KIT_LOCAL=1: a check on a machine without a GPU: this machine's node,
# Chromium's SwiftShader as the Vulkan driver, tiny shapes (--quick), and the torch
# anchor on the CPU with tiny shapes only if python3 has torch.
set -u
export PYTHONUNBUFFERED=1
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
OUT=${OUT:-$(mktemp -d /tmp/gpu-kit-out.XXXXXX)}
mkdir -p "$OUT"
local_mode=${FEDSEG_GPU_KIT_LOCAL:-0}
budget=${GPU_KIT_BUDGET_S:-420}
work=$(mktemp -d /tmp/gpu-kit-work.XXXXXX)
log=$OUT/run.log
exec > >(tee -a "$log") 2>&1
start=$(date +%s)
echo "gpu kit: $(date -u +%FT%TZ) in $root, OUT=$OUT, work=$work, local=$local_mode, budget ${budget}s"

# --- setup: Node, Dawn, the Vulkan loader and driver --------------------------------
unxz_to() { # unxz_to SRC DST: xz if there, else Python's lzma
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"; else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
mkdir -p "$work/kit/dist/linux-x64"
cp .gpu-kit/gpuKit.mjs .gpu-kit/manifest.json "$work/kit/"
cp .gpu-kit/manifest.json "$work/"
unxz_to .gpu-kit/dawn.node.xz "$work/kit/dist/linux-x64/dawn.node"
if [ "$local_mode" = 1 ]; then
  node=$(command -v node)
  export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  quick=--quick
  echo "FEDSEG_GPU_KIT_LOCAL=1: $(hostname), SwiftShader on the CPU, --quick shapes" >"$work/local.txt"
else
  node=/tmp/gpu-kit-node
  unxz_to .gpu-kit/node.xz "$node" && chmod +x "$node"
  if [ -d .gl ]; then for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f "$icd" ] || icd=$(find /usr/local/nvidia /usr/share/vulkan /etc/vulkan -name 'nvidia_icd*.json' 2>/dev/null | head -1)
  export VK_ICD_FILENAMES=$icd VK_DRIVER_FILES=$icd
  egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
  quick=
fi
echo "node: $node $("$node" --version 2>&1)"; ldd "$node" | grep 'not found'
echo "Vulkan ICD: ${VK_ICD_FILENAMES:-none}; loader: $(ldconfig -p | grep -m1 libvulkan.so.1 || echo 'not in ldconfig')"
(nvidia-smi 2>&1 || echo 'nvidia-smi: not available') >"$work/nvidia-smi.txt"
(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit,pstate --format=csv 2>&1 || echo 'not available') >"$work/nvidia-smi-csv.txt"
uname -a >"$work/uname.txt"
(grep -m1 'model name' /proc/cpuinfo; nproc) >"$work/cpu.txt" 2>&1
cat "$work/nvidia-smi-csv.txt"

# --- phases ---------------------------------------------------------------------------
: >"$work/phases.txt"
wanted() { [ -z "${GPU_KIT_ONLY:-}" ] || [[ $1 =~ $GPU_KIT_ONLY ]]; }
# phase NAME TIMEOUT_S COMMAND...: runs with min(TIMEOUT_S, budget left - 20 s), records "NAME rc seconds"
phase() {
  local name=$1 limit=$2
  shift 2
  wanted "$name" || return 0
  local left=$((budget - ($(date +%s) - start) - 20))
  ((left < limit)) && limit=$left
  if ((limit < 10)); then
    echo "=== $name: skipped, budget spent"
    echo "$name -2 0" >>"$work/phases.txt"
    return
  fi
  echo "=== $name (timeout ${limit}s): $*"
  local t0=$(date +%s%N)
  timeout -k 10 "$limit" "$@"
  local rc=$?
  local ms=$((($(date +%s%N) - t0) / 1000000))
  local secs=$((ms / 1000)).$(printf %03d $((ms % 1000)))
  echo "=== $name: exit $rc after ${secs}s"
  echo "$name $rc $secs" >>"$work/phases.txt"
}
kitp() { # kitp NAME TIMEOUT PHASE ARGS...: a gpuKit phase writing $work/NAME.json
  local name=$1 limit=$2 p=$3
  shift 3
  phase "$name" "$limit" "$node" "$work/kit/gpuKit.mjs" "$p" $quick "$@" --out "$work/$name.json"
}
torch_anchor() { # torch_anchor NAME TIMEOUT ARGS...: bench/torch_anchor.py writing $work/NAME.json
  local name=$1 limit=$2
  shift 2
  local args=("$@" --out "$work/$name.json")
  wanted "$name" || return 0
  if [ "$local_mode" = 1 ]; then
    if ! python3 -c 'import torch' 2>/dev/null; then
      echo "=== $name: skipped (no torch in python3 here)"
      echo "$name -1 0" >>"$work/phases.txt"
      return
    fi
    args+=(--device cpu --preset tiny --patches 16 --steps 2 --warmup 1 --matmul 256 --variants cat)
  fi
  phase "$name" "$limit" python3 bench/torch_anchor.py "${args[@]}"
}

kitp info 45 info
if [ "$local_mode" = 1 ]; then
  torch_anchor torch 120
  kitp matmul 60 matmul
  kitp check-tiny-8 60 check
  kitp kernels-tiny-8 90 kernels
  kitp model-tiny-8 90 model
  kitp subgroups-tiny-8 60 subgroups
else
  # most important first: the anchor, the standard preset at its own 64^3 patch
  torch_anchor torch 120 --preset standard --patches 32,64
  kitp matmul 60 matmul
  kitp kernels-standard-64 100 kernels --preset standard --patch 64
  kitp model-standard-64 100 model --preset standard --patch 64 --reps 5
  kitp check-standard-64 60 check --preset standard --patch 64
  kitp model-standard-32 45 model --preset standard --patch 32 --reps 5
  kitp kernels-fets-64 60 kernels --preset fets --patch 64 --reps 2
  kitp model-fets-64 75 model --preset fets --patch 64 --reps 3
  kitp subgroups-standard-64 40 subgroups --preset standard --patch 64
  torch_anchor torch-fets 60 --preset fets --patches 64 --matmul 0 --variants cat
  kitp model-tiny-16 30 model --preset tiny --patch 16 --reps 5
fi

# --- results --------------------------------------------------------------------------
machine=nvidia-smi.txt,nvidia-smi-csv.txt,uname.txt,cpu.txt,local.txt
timeout 60 "$node" "$work/kit/gpuKit.mjs" merge --work "$work" --machine "$machine" --out "$OUT/gpu-results.json" &&
  timeout 60 "$node" "$work/kit/gpuKit.mjs" report "$OUT/gpu-results.json" --out "$OUT/gpu-results.md" &&
  cat "$OUT/gpu-results.md"
tar -czf "$OUT/work.tar.gz" -C "$work" --exclude=kit .
rm -rf "$work"
echo "gpu kit: done after $(($(date +%s) - start))s; in $OUT: $(ls "$OUT" | tr '\n' ' ')"
sleep 1 # let tee write the last lines to run.log
