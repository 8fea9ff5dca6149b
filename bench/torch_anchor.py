"""PyTorch float32 anchor for fedseg's WebGPU figures (issue #7), run on the same GPU.

It times, on one GPU, in float32 with TF32 off (as WebGPU computes):
- a large matrix product (8192^3 by default): the float32 rate the GPU reaches;
- a training step of fedseg's 3D U-Net (src/core/model/unetSpec.ts, unet3d.ts), batch 1:
  forward, soft Dice + BCE-with-logits, backward, Adam, at 32^3 and 64^3 patches.

The network is the preset's exact architecture: base filters doubling per level; per
level a block of two 3x3x3 convolutions without bias, each followed by instance norm
(affine, eps 1e-5) and LeakyReLU 0.01; down-sampling by a strided 3x3x3 convolution +
norm + LeakyReLU; up-sampling by a 1x1x1 projection at the coarse level + norm +
LeakyReLU, then nearest x2; the decoder block's first convolution on the channel
concatenation [up, skip] ("cat", one convolution, as PyTorch users write it) or on the
two inputs with the split kernel ("split", two convolutions summed, as fedseg computes
it); residual blocks for 'fets'; a 1x1x1 head with bias to 3 logits. Same FLOPs either
way. Symmetric padding 1 is used for the stride-2 convolutions (TensorFlow's 'same'
pads 0 before and 1 after there): the shapes and FLOPs are identical.

Prints one JSON object (and writes it to --out after every measurement, so that a
timeout keeps what was measured). Needs only torch.
"""
import argparse
import json
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {  # src/core/model/modelPresets.ts
    "tiny": dict(base=4, levels=3, residual=False),
    "standard": dict(base=16, levels=4, residual=False),
    "fets": dict(base=32, levels=4, residual=True),
}
IN_CHANNELS, OUT_CHANNELS, LEAK, EPS, SMOOTH = 4, 3, 0.01, 1e-5, 1.0


def conv(cin, cout, k, stride=1):
    return nn.Conv3d(cin, cout, k, stride=stride, padding=k // 2, bias=False)


class NormAct(nn.Sequential):
    def __init__(self, c, act=True):
        super().__init__(nn.InstanceNorm3d(c, eps=EPS, affine=True), *([nn.LeakyReLU(LEAK)] if act else []))


class SplitConv(nn.Module):
    """A convolution of the channel concatenation [x, skip]: one conv on torch.cat, or two on the split kernel."""

    def __init__(self, cx, cs, cout, k, split):
        super().__init__()
        self.conv, self.cx, self.split = conv(cx + cs, cout, k), cx, split

    def forward(self, x, s):
        if not self.split:
            return self.conv(torch.cat([x, s], 1))
        w = self.conv.weight
        return F.conv3d(x, w[:, : self.cx], padding=self.conv.padding) + F.conv3d(s, w[:, self.cx :], padding=self.conv.padding)


class Block(nn.Module):
    """Two 3x3x3 convolutions with norm and LeakyReLU; residual (1x1x1 skip where channels change) for fets."""

    def __init__(self, cin, cout, residual, skip_channels=0, split=False):
        super().__init__()
        self.concat = skip_channels > 0
        self.conv1 = SplitConv(cin, skip_channels, cout, 3, split) if self.concat else conv(cin, cout, 3)
        self.na1, self.conv2, self.n2 = NormAct(cout), conv(cout, cout, 3), NormAct(cout, act=False)
        self.residual = residual
        total_in = cin + skip_channels
        self.skip = None
        if residual and total_in != cout:
            self.skip = SplitConv(cin, skip_channels, cout, 1, split) if self.concat else conv(cin, cout, 1)

    def forward(self, x, s=None):
        h = self.na1(self.conv1(x, s) if self.concat else self.conv1(x))
        h = self.n2(self.conv2(h))
        if self.residual:
            short = x if self.skip is None else (self.skip(x, s) if self.concat else self.skip(x))
            h = h + short
        return F.leaky_relu(h, LEAK)


class UNet3D(nn.Module):
    def __init__(self, base, levels, residual, split=False):
        super().__init__()
        f = [base * 2**l for l in range(levels)]
        self.enc0 = Block(IN_CHANNELS, f[0], residual)
        self.down = nn.ModuleList(nn.Sequential(conv(f[l - 1], f[l], 3, 2), NormAct(f[l])) for l in range(1, levels))
        self.enc = nn.ModuleList(Block(f[l], f[l], residual) for l in range(1, levels))
        dec = list(range(levels - 2, -1, -1))
        self.up = nn.ModuleList(nn.Sequential(conv(f[l + 1], f[l], 1), NormAct(f[l])) for l in dec)
        self.dec = nn.ModuleList(Block(f[l], f[l], residual, skip_channels=f[l], split=split) for l in dec)
        self.head = nn.Conv3d(f[0], OUT_CHANNELS, 1, bias=True)

    def forward(self, x):
        t = self.enc0(x)
        skips = [t]
        for down, enc in zip(self.down, self.enc):
            t = enc(down(t))
            skips.append(t)
        for i, (up, dec) in enumerate(zip(self.up, self.dec)):
            t = dec(F.interpolate(up(t), scale_factor=2, mode="nearest"), skips[-2 - i])
        return self.head(t)


def segmentation_loss(logits, targets):
    """src/core/train/segmentationLoss.ts: mean over regions of (1 - batch soft Dice) + mean BCE with logits."""
    x = logits.permute(0, 2, 3, 4, 1).reshape(-1, OUT_CHANNELS)
    t = targets.permute(0, 2, 3, 4, 1).reshape(-1, OUT_CHANNELS)
    p = torch.sigmoid(x)
    dice = (2 * (p * t).sum(0) + SMOOTH) / (p.sum(0) + t.sum(0) + SMOOTH)
    return (1 - dice.mean()) + F.binary_cross_entropy_with_logits(x, t)


def conv_flops(model, patch, device):
    """2 x multiply-adds of every convolution's forward pass x 3 (backward = 2 x forward), as unetTrainingFlops."""
    total = [0]

    def hook(m, _inp, out):
        total[0] += 2 * out.numel() * m.in_channels * m.weight[0, 0].numel() // m.groups

    hooks = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv3d)]
    with torch.no_grad():
        model(torch.zeros(1, IN_CHANNELS, patch, patch, patch, device=device))
    for h in hooks:
        h.remove()
    return 3 * total[0]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_step(preset, patch, split, steps, warmup, device):
    torch.manual_seed(1)
    model = UNet3D(**PRESETS[preset], split=split).to(device)
    if split:  # the split path calls F.conv3d on slices of conv1's kernel: count its FLOPs as one conv of the concat
        flops = conv_flops(UNet3D(**PRESETS[preset], split=False).to(device), patch, device)
    else:
        flops = conv_flops(model, patch, device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(1, IN_CHANNELS, patch, patch, patch, device=device)
    y = (torch.rand(1, OUT_CHANNELS, patch, patch, patch, device=device) < 0.3).float()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = segmentation_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(warmup):
        step()
    sync(device)
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    sync(device)
    seconds = (time.perf_counter() - t0) / steps
    row = dict(preset=preset, patch=patch, concat="split" if split else "cat", tf32=torch.backends.cudnn.allow_tf32,
               steps=steps, warmup=warmup, ms_per_step=seconds * 1e3, gflop_per_step=flops / 1e9, gflops=flops / seconds / 1e9,
               last_loss=float(loss), weights=sum(p.numel() for p in model.parameters()))
    if device.type == "cuda":
        row["max_memory_gib"] = torch.cuda.max_memory_allocated() / 2**30
    return row


def time_matmul(n, reps, warmup, device):
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    for _ in range(warmup):
        a @ b
    sync(device)
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    sync(device)
    ms = (time.perf_counter() - t0) / reps * 1e3
    return dict(n=n, tf32=torch.backends.cuda.matmul.allow_tf32, reps=reps, ms=ms, gflops=2 * n**3 / ms / 1e6)


def set_tf32(on):
    torch.backends.cuda.matmul.allow_tf32 = on
    torch.backends.cudnn.allow_tf32 = on
    torch.set_float32_matmul_precision("high" if on else "highest")


def driver_version():
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"], capture_output=True, text=True, timeout=20)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="standard", choices=sorted(PRESETS))
    ap.add_argument("--patches", default="32,64")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--matmul", type=int, default=8192, help="matrix size n of the n^3 product (0: skip)")
    ap.add_argument("--variants", default="cat,split,tf32", help="extra step variants at the largest patch: split, tf32")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--out")
    args = ap.parse_args()
    device = torch.device(args.device if args.device != "cuda" or torch.cuda.is_available() else "cpu")
    torch.backends.cudnn.benchmark = True
    res = dict(torch=torch.__version__, cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version(), device=str(device),
               python=sys.version.split()[0], matmul=[], unet=[], errors=[])
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        res.update(device=props.name, capability=list(torch.cuda.get_device_capability(device)), multiprocessors=props.multi_processor_count,
                   memory_gib=props.total_memory / 2**30, driver=driver_version())

    def save():
        text = json.dumps(res, indent=2)
        if args.out:
            with open(args.out, "w") as f:
                f.write(text + "\n")
        return text

    patches = [int(p) for p in args.patches.split(",") if p]
    variants = set(args.variants.split(","))
    jobs = [("matmul", False, args.matmul), ("matmul", True, args.matmul)] if args.matmul else []
    jobs += [("step", False, (p, False)) for p in patches]
    if patches and "split" in variants:
        jobs.append(("step", False, (max(patches), True)))
    if patches and "tf32" in variants:
        jobs.append(("step", True, (max(patches), False)))
    for kind, tf32, what in jobs:
        set_tf32(tf32)
        try:
            if kind == "matmul":
                res["matmul"].append(time_matmul(what, reps=10, warmup=3, device=device))
            else:
                res["unet"].append(time_step(args.preset, what[0], what[1], args.steps, args.warmup, device))
        except Exception as e:  # keep the other measurements (e.g. out of memory at one size)
            res["errors"].append(f"{kind} {what} tf32={tf32}: {type(e).__name__}: {e}")
        print(f"{kind} {what} tf32={tf32} done", file=sys.stderr, flush=True)
        save()
    set_tf32(False)
    print(save())


if __name__ == "__main__":
    main()
