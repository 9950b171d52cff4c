#!/usr/bin/python3
"""The NPO yardstick measured on this machine: the study's network in Python + PyTorch.

Issue 18 asks for the network's speed against the reference's Python + PyTorch code on the
same machine. That code is not part of this repository, so this script re-implements it from
its published definition (docs/npo.md, Architecture and Training; the torch parameter names
of tests/data/npo_weights.h5) in the way a PyTorch user writes it: nn.Conv2d, nn.LayerNorm,
nn.MultiheadAttention, a float64 numpy wrapper M(r) = ||r|| net(float32(r / ||r||)), and a
training loop with autograd and torch.optim.Adam. Before timing anything it checks that the
forward pass reproduces the reference's own test pair (test/z_out, test/z_e0 of
npo_weights.h5) to 2e-5, so the network timed is the reference's.

It prints one line per measurement and, with --json, writes them for npo_tool -timing and
npo_train_bench (benchmarks/npo_yardstick.json holds the latest run; jobs/npo_yardstick.sh
runs both sides back to back).

Debian 12: apt-get install python3-torch python3-h5py python3-scipy (scripts/setup.sh --bench).
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

import h5py
import numpy as np
import scipy.sparse
import scipy.sparse.linalg
import torch
from torch import nn


class Npo(nn.Module):
    """The reference's architecture (docs/npo.md, steps 1-10), torch parameter names kept."""

    def __init__(self, width=32, num_coarse=64, num_heads=4, ffn_mult=4):
        super().__init__()
        C = width
        self.width = C
        self.lift = nn.Conv2d(3, C, 1)
        self.pre_relax = nn.Conv2d(C, C, 3, padding=1)
        self.coarse_queries = nn.Parameter(torch.randn(num_coarse, C) / math.sqrt(C))
        self.norm_fine_r = nn.LayerNorm(C)
        self.restrict = nn.MultiheadAttention(C, num_heads, batch_first=True)
        self.norm_coarse_a = nn.LayerNorm(C)
        self.coarse_self = nn.MultiheadAttention(C, num_heads, batch_first=True)
        self.norm_coarse_f = nn.LayerNorm(C)
        self.coarse_ffn = nn.Sequential(nn.Linear(C, ffn_mult * C), nn.ReLU(),
                                        nn.Linear(ffn_mult * C, C))
        self.norm_fine_p = nn.LayerNorm(C)
        self.norm_coarse_p = nn.LayerNorm(C)
        self.prolong = nn.MultiheadAttention(C, num_heads, batch_first=True)
        self.norm_fine_f = nn.LayerNorm(C)
        self.ffn = nn.Sequential(nn.Linear(C, ffn_mult * C), nn.ReLU(),
                                 nn.Linear(ffn_mult * C, C))
        self.post_relax = nn.Conv2d(C, C, 3, padding=1)
        self.proj = nn.Conv2d(C, 1, 1)

    def forward(self, r):  # r: (B, 1, n1, n2) float32
        B, _, n1, n2 = r.shape
        gx = torch.linspace(0, 1, n1).view(1, 1, n1, 1).expand(B, 1, n1, n2)
        gy = torch.linspace(0, 1, n2).view(1, 1, 1, n2).expand(B, 1, n1, n2)
        v = self.lift(torch.cat([r, gx, gy], 1))
        v = v + torch.relu(self.pre_relax(v))
        t = v.flatten(2).transpose(1, 2)  # (B, N, C)
        q = self.coarse_queries.unsqueeze(0).expand(B, -1, -1)
        tn = self.norm_fine_r(t)
        c = self.restrict(q, tn, tn, need_weights=False)[0]
        cn = self.norm_coarse_a(c)
        c = c + self.coarse_self(cn, cn, cn, need_weights=False)[0]
        c = c + self.coarse_ffn(self.norm_coarse_f(c))
        cp = self.norm_coarse_p(c)
        t = t + self.prolong(self.norm_fine_p(t), cp, cp, need_weights=False)[0]
        t = t + self.ffn(self.norm_fine_f(t))
        v = t.transpose(1, 2).reshape(B, self.width, n1, n2)
        v = v + torch.relu(self.post_relax(v))
        return self.proj(v)


def load_reference(path):
    with h5py.File(path, "r") as f:
        a = f.attrs
        net = Npo(int(a["width"]), int(a["num_coarse"]), int(a["num_heads"]), int(a["ffn_mult"]))
        state = {k: torch.from_numpy(np.array(v)) for k, v in f["state_dict"].items()}
        net.load_state_dict(state)
        test = {k: np.array(v) for k, v in f["test"].items()}
    return net.eval(), test


def apply(net, r, n):
    """M(r) = ||r|| net(float32(r/||r||)) as the reference's preconditioner wrapper."""
    nr = np.linalg.norm(r)
    if nr == 0:
        return np.zeros_like(r)
    x = torch.from_numpy((r / nr).astype(np.float32)).view(1, 1, n, n)
    with torch.no_grad():
        z = net(x)
    return nr * z.view(-1).numpy().astype(np.float64)


def check_forward(net, test, n=32):
    worst = 0.0
    for b, z in ((test["b_in"], test["z_out"]), (np.eye(n * n)[0], test["z_e0"])):
        out = apply(net, b, n)
        worst = max(worst, np.linalg.norm(out - z) / np.linalg.norm(z))
    if not worst < 2e-5:
        sys.exit(f"npo_reference.py: error: the forward pass is {worst:.2e} from the "
                 f"reference's test pair (tolerance 2e-5): not the reference's network")
    return worst


def time_apply(net, n, reps):
    """Median CPU and wall milliseconds of one application on an n x n GRF-like field."""
    rng = np.random.default_rng(0)
    r = rng.standard_normal(n * n)
    for _ in range(3):
        apply(net, r, n)
    cpu, wall = [], []
    for _ in range(reps):
        c0, w0 = time.process_time(), time.perf_counter()
        apply(net, r, n)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return 1e3 * statistics.median(cpu), 1e3 * statistics.median(wall)


def laplacian(n):
    d = scipy.sparse.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1])
    eye = scipy.sparse.identity(n)
    return (scipy.sparse.kron(d, eye) + scipy.sparse.kron(eye, d)).tocsc()  # h^2 A


def grf(n, seed, alpha=2.0, tau=3.0):
    k = np.fft.fftfreq(n) * n
    kx, ky = np.meshgrid(k, k, indexing="ij")
    s = (kx ** 2 + ky ** 2 + tau ** 2) ** (-alpha / 2)
    rng = np.random.default_rng(seed)
    xi = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    f = np.real(np.fft.ifft2(xi * s)).ravel()
    return (f - f.mean()) / f.std(ddof=1)


def training_set(n=32, seeds=range(100, 140), its=(1, 2, 4, 8, 16, 32, 64)):
    """40 GRF right-hand sides plus plain CG's residuals at iterations 1, 2, 4, ..., 64."""
    A = laplacian(n)
    samples, kinds = [], []
    for seed in seeds:
        b = grf(n, seed)
        samples.append(b)
        kinds.append(1)  # GRF: residual loss
        x, r = np.zeros_like(b), b.copy()
        p, rr = r.copy(), r @ r
        for k in range(1, max(its) + 1):
            Ap = A @ p
            a = rr / (p @ Ap)
            x += a * p
            r -= a * Ap
            rr_new = r @ r
            p = r + (rr_new / rr) * p
            rr = rr_new
            if k in its:
                samples.append(r.copy())
                kinds.append(0)  # CG residual: condition loss
    v = np.array([s / np.linalg.norm(s) for s in samples])
    t = scipy.sparse.linalg.splu(A).solve(v.T).T
    as_t = lambda a: torch.from_numpy(a.astype(np.float32)).view(-1, 1, n, n)
    return as_t(v), as_t(t), torch.tensor(kinds)


def learning_rate(epoch, epochs, lr=2e-3, lr0=2e-4, lr_min=5e-5, warmup=10):
    if epoch < warmup:
        return lr0 + (lr - lr0) * epoch / warmup
    return lr_min + 0.5 * (lr - lr_min) * (1 + math.cos(math.pi * (epoch - warmup) /
                                                         max(1, epochs - 1 - warmup)))


def train(epochs, total_epochs, batch=32, seed=0, quiet=False):
    """The reference's training loop; returns (CPU s per epoch list, wall list, last loss)."""
    torch.manual_seed(seed)
    v, tgt, kind = training_set()
    net = Npo().train()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    stencil = torch.tensor([[0., -1., 0.], [-1., 4., -1.], [0., -1., 0.]]).view(1, 1, 3, 3)
    cpu, wall, last = [], [], float("nan")
    for e in range(epochs):
        for g in opt.param_groups:
            g["lr"] = learning_rate(e, total_epochs)
        c0, w0 = time.process_time(), time.perf_counter()
        perm = torch.randperm(v.shape[0])
        total, count = 0.0, 0
        for b0 in range(0, v.shape[0], batch):
            idx = perm[b0:b0 + batch]
            x, t, k = v[idx], tgt[idx], kind[idx]
            z = net(x)
            Az = torch.nn.functional.conv2d(z, stencil, padding=1)
            rres = (x - Az).pow(2).sum((1, 2, 3)) / x.pow(2).sum((1, 2, 3))
            rdat = (z - t).pow(2).sum((1, 2, 3)) / t.pow(2).sum((1, 2, 3))
            mc, mr = (k == 0).float(), (k == 1).float()
            loss = rdat.mean()
            if mc.sum() > 0:
                loss = loss + (rres * mc).sum() / mc.sum()
            if mr.sum() > 0:
                loss = loss + (rres * mr).sum() / mr.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            count += len(idx)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        last = total / count
        if not quiet:
            print(f"npo_reference.py: epoch {e + 1}/{epochs} loss {last:.4f} "
                  f"{cpu[-1]:.2f} s CPU", flush=True)
    return cpu, wall, last


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def write_yardstick(path, base, out):
    """The flat yardstick file of src/tools/npo_yardstick.h: this run's reference figures, the
    rest of the keys (the project's own earlier figures, the issue's) from the base file."""
    with open(base) as f:
        y = json.load(f)
    y["machine"] = out["machine"] + (f"; OPENBLAS_CORETYPE={out['openblas_coretype']}"
                                     if out["openblas_coretype"] else "")
    y["cpu"] = cpu_model()
    y["source"] = (f"benchmarks/npo_reference.py on {time.strftime('%Y-%m-%d')}: the reference's "
                   f"network in Python + PyTorch {out['torch']} (forward pass "
                   f"{out['forward_check_relerr']:.1e} from its test pair), one thread, "
                   "CPU time, medians")
    for n, v in out["apply_ms"].items():
        y[f"reference_apply_ms_n{n}"] = round(v["cpu"], 4)
    if "train" in out:
        y["reference_train_seconds_per_epoch"] = round(out["train"]["cpu_per_epoch"], 4)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(y, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def machine():
    return f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--weights", default="tests/data/npo_weights.h5")
    p.add_argument("--sizes", default="32,64,128,256", help="grid sizes n of the apply timing")
    p.add_argument("--reps", type=int, default=200, help="applications timed at n = 32 "
                   "(fewer on larger grids, same total flops)")
    p.add_argument("--train-epochs", type=int, default=12, help="epochs timed (0: none)")
    p.add_argument("--total-epochs", type=int, default=400, help="length of the lr schedule")
    p.add_argument("--json", help="write the measurements here")
    p.add_argument("--yardstick", help="write them as a yardstick file for npo_tool -timing and "
                   "npo_train_bench (-bench_yardstick), the other keys taken from --base")
    p.add_argument("--base", default="benchmarks/npo_yardstick.json",
                   help="yardstick whose project_* and issue_* keys --yardstick keeps")
    a = p.parse_args()
    try:
        sizes = [int(x) for x in a.sizes.split(",") if x.strip()]
    except ValueError:
        p.error(f"--sizes: give grid sizes as integers separated by commas, got '{a.sizes}'")
    if not sizes or min(sizes) < 2:
        p.error(f"--sizes: every grid size must be at least 2, got '{a.sizes}'")
    if a.reps < 1:
        p.error(f"--reps must be at least 1, got {a.reps}")
    if a.train_epochs < 0 or a.total_epochs < max(1, a.train_epochs):
        p.error(f"--train-epochs must be >= 0 and --total-epochs >= max(1, --train-epochs), got "
                f"{a.train_epochs} and {a.total_epochs}")
    if not os.path.isfile(a.weights):
        p.error(f"--weights: no such file {a.weights}")
    if a.yardstick and not os.path.isfile(a.base):
        p.error(f"--base: no such file {a.base} (the yardstick whose other keys --yardstick keeps)")
    torch.set_num_threads(1)
    net, test = load_reference(a.weights)
    err = check_forward(net, test)
    out = {"machine": machine(), "torch": torch.__version__, "numpy": np.__version__,
           "python": platform.python_version(), "forward_check_relerr": err,
           "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""), "apply_ms": {}}
    print(f"npo_reference.py: {out['machine']}; torch {torch.__version__}, one thread; "
          f"forward pass {err:.1e} from the reference's test pair")
    for n in sizes:
        reps = max(5, a.reps * 1024 // (n * n))
        cpu, wall = time_apply(net, n, reps)
        out["apply_ms"][str(n)] = {"cpu": cpu, "wall": wall, "reps": reps}
        print(f"npo_reference.py: apply n = {n:4d}: {cpu:8.3f} ms CPU, {wall:8.3f} ms wall "
              f"(median of {reps})", flush=True)
    if a.train_epochs > 0:
        cpu, wall, last = train(a.train_epochs, a.total_epochs)
        steady = cpu[1:] if len(cpu) > 1 else cpu
        out["train"] = {"epochs": a.train_epochs, "cpu_per_epoch": statistics.median(steady),
                        "wall_per_epoch": statistics.median(wall[1:] if len(wall) > 1 else wall),
                        "cpu_epochs": cpu, "last_loss": last}
        print(f"npo_reference.py: training {out['train']['cpu_per_epoch']:.3f} s CPU per epoch "
              f"(median of epochs 2..{a.train_epochs}), loss {last:.4f} after "
              f"{a.train_epochs} epochs", flush=True)
    if a.yardstick:
        write_yardstick(a.yardstick, a.base, out)
    if a.json:
        tmp = a.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(out, f, indent=1)
        os.replace(tmp, a.json)


if __name__ == "__main__":
    main()
