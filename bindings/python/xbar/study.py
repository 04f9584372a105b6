"""The study a user runs first: a small CNN on real handwritten digits, on crossbars with wires.

    python3 -m xbar.study digits [--out DIR] [--quick] [--seed N] [--no-plot]

Trains a small CNN on scikit-learn's bundled handwritten digits (1797 real 8x8 scans; a fixed,
seeded, stratified split: 1437 for training, 360 for testing), then measures its test accuracy
digitally and with every Linear and Conv2d layer on xbar crossbars (:func:`xbar.torch.convert`):
for the ``naive``, ``mdm`` and ``optimized`` mappings, over tile sizes and wire resistances, for
the default device (10 kOhm / 1 MOhm cells) and a 100 kOhm one (1e-5 / 1e-7 S), and, at the
harshest wires, after hardware-aware fine-tuning (forward on the crossbars, straight-through
backward, re-programmed every 3 optimizer steps). Writes ``study.csv``, ``study.json`` and
``study.png`` (accuracy against wire resistance per mapping) into DIR (default
``xbar-study-digits``), with a progress bar on stderr.
"""

import argparse
import csv
import json
import os
import sys
import time

import numpy as np

MAPPINGS = ("naive", "mdm", "optimized")
DEVICES = {"default": dict(g_on=1e-4, g_off=1e-6), "100k": dict(g_on=1e-5, g_off=1e-7)}
FULL = dict(tiles=(32, 64, 128, 256), wires=(0.0, 1.0, 2.5, 5.0, 10.0), epochs=40, tune_epochs=3, reprogram_every=3)
QUICK = dict(tiles=(64,), wires=(0.0, 10.0), epochs=8, tune_epochs=1, reprogram_every=3)


def digits(seed):
    """The digits as 1x8x8 images scaled to [0, 1], split into a stratified training and test set."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    data = load_digits()
    x = (data.images / 16.0).astype(np.float32)[:, None, :, :]
    return train_test_split(x, data.target, test_size=360, random_state=seed, stratify=data.target)


def network():
    """Conv(1->16, 3x3) ReLU pool, Conv(16->32, 3x3) ReLU pool, Linear(128->64) ReLU, Linear(64->10)."""
    from torch import nn
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10))


def train(model, x, y, epochs, seed, lr=3e-3, on_step=None):
    """Adam on cross-entropy, batches of 64 in a seeded order; the model is trained in place."""
    import torch
    generator = torch.Generator().manual_seed(seed)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y).long()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(xs), generator=generator)
        for start in range(0, len(xs), 64):
            batch = order[start:start + 64]
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(xs[batch]), ys[batch]).backward()
            optimizer.step()
            if on_step:
                on_step()
    model.eval()
    return model


def accuracy(model, x, y):
    """Test accuracy, one pass over the whole test set."""
    import torch
    model.eval()
    with torch.no_grad():
        return float((torch.argmax(model(torch.from_numpy(x)), 1).numpy() == y).mean())


class Progress:
    """A one-line progress bar on stderr (only when stderr is a terminal, else a line per tenth)."""

    def __init__(self, total, stream=sys.stderr):
        self.total, self.done, self.stream, self.start = total, 0, stream, time.time()
        self.tty = stream.isatty()
        self.shown = -1

    def step(self, label):
        self.done += 1
        frac = self.done / self.total
        if self.tty:
            bar = "#" * int(30 * frac)
            self.stream.write("\r[%-30s] %3d%% %s %-40s" % (bar, 100 * frac, self._eta(), label[:40]))
            self.stream.flush()
        elif int(10 * frac) > self.shown:
            self.shown = int(10 * frac)
            self.stream.write("%3d%% %s %s\n" % (100 * frac, self._eta(), label))

    def _eta(self):
        spent = time.time() - self.start
        return "%4.0fs" % spent

    def close(self):
        if self.tty:
            self.stream.write("\n")


def run(out, quick=False, seed=0, plot=True, stream=sys.stderr):
    """Runs the study, writes study.csv, study.json (and study.png) into ``out``; returns the rows."""
    import torch
    import xbar.torch as xt
    grid = QUICK if quick else FULL
    torch.manual_seed(seed)
    x_train, x_test, y_train, y_test = digits(seed)
    started = time.time()
    model = train(network(), x_train, y_train, grid["epochs"], seed)
    rows = [dict(mapping="digital", device="-", tile="-", r_wire=0.0, fine_tuned=False,
                 accuracy=accuracy(model, x_test, y_test), seconds=round(time.time() - started, 3))]
    harshest = max(grid["wires"])
    configs = [(d, m, t, r) for d in DEVICES for m in MAPPINGS for t in grid["tiles"] for r in grid["wires"]]
    tuned = [(d, m, max(grid["tiles"]), harshest) for d in DEVICES for m in MAPPINGS]
    progress = Progress(len(configs) + len(tuned), stream)
    for device, mapping, tile, r in configs:
        t0 = time.time()
        analog = xt.convert(model, mapping=mapping, tile=(tile, tile), r_wl=r, r_bl=r, **DEVICES[device])
        rows.append(dict(mapping=mapping, device=device, tile=tile, r_wire=r, fine_tuned=False,
                         accuracy=accuracy(analog, x_test, y_test), seconds=round(time.time() - t0, 3)))
        progress.step("%s %s %dx%d %g ohm" % (device, mapping, tile, tile, r))
    for device, mapping, tile, r in tuned:
        t0 = time.time()
        # The crossbars are re-programmed from the float weights every `reprogram_every` optimizer steps
        # (programming a chip is slow; in between, the forward pass sees the last programmed weights).
        analog = xt.convert(model, reprogram_every=grid["reprogram_every"], mapping=mapping, tile=(tile, tile),
                            r_wl=r, r_bl=r, **DEVICES[device])
        train(analog, x_train, y_train, grid["tune_epochs"], seed + 1, lr=1e-3)
        rows.append(dict(mapping=mapping, device=device, tile=tile, r_wire=r, fine_tuned=True,
                         accuracy=accuracy(analog, x_test, y_test), seconds=round(time.time() - t0, 3)))
        progress.step("fine-tuning %s %s %g ohm" % (device, mapping, r))
    progress.close()
    write(out, rows, dict(seed=seed, quick=quick, train=len(y_train), test=len(y_test), grid=grid,
                          devices=DEVICES, seconds=round(time.time() - started, 1)), plot)
    return rows


def write(out, rows, meta, plot):
    """study.csv and study.json, and study.png unless ``plot`` is false; each file written whole or not at all."""
    os.makedirs(out, exist_ok=True)
    fields = ["mapping", "device", "tile", "r_wire", "fine_tuned", "accuracy", "seconds"]
    _atomic(os.path.join(out, "study.csv"), lambda f: _csv(f, fields, rows))
    _atomic(os.path.join(out, "study.json"), lambda f: json.dump(dict(meta, rows=rows), f, indent=2))
    if plot:
        _atomic(os.path.join(out, "study.png"), lambda f: _plot(f, rows, meta), binary=True)


def _csv(f, fields, rows):
    w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)


def _atomic(path, body, binary=False):
    tmp = os.path.join(os.path.dirname(path) or ".", ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    try:
        with open(tmp, "wb" if binary else "w", encoding=None if binary else "utf-8") as f:
            body(f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _plot(f, rows, meta):
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    tile = max(meta["grid"]["tiles"])
    digital = rows[0]["accuracy"]
    fig, axes = plt.subplots(1, len(DEVICES), figsize=(5 * len(DEVICES), 4), sharey=True)
    for ax, device in zip(np.atleast_1d(axes), DEVICES):
        for mapping in MAPPINGS:
            pts = sorted((r["r_wire"], r["accuracy"]) for r in rows if r["device"] == device
                         and r["mapping"] == mapping and r["tile"] == tile and not r["fine_tuned"])
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=mapping)
            tuned = [r for r in rows if r["device"] == device and r["mapping"] == mapping and r["fine_tuned"]]
            for r in tuned:
                ax.scatter([r["r_wire"]], [r["accuracy"]], marker="*", s=120, zorder=3)
        ax.axhline(digital, color="gray", linestyle="--", label="digital")
        ax.set_title("%s device, %dx%d tiles (* fine-tuned)" % (device, tile, tile))
        ax.set_xlabel("wire resistance per segment (ohm)")
        ax.grid(alpha=0.3)
    np.atleast_1d(axes)[0].set_ylabel("test accuracy (digits)")
    np.atleast_1d(axes)[0].legend()
    fig.tight_layout()
    fig.savefig(f, format="png", dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m xbar.study", description=__doc__.split("\n\n")[0])
    parser.add_argument("study", choices=["digits"], help="the study to run")
    parser.add_argument("--out", default="xbar-study-digits", help="output directory (default %(default)s)")
    parser.add_argument("--quick", action="store_true", help="a small grid (one tile size, two wire values)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split, the training and the fine-tuning")
    parser.add_argument("--no-plot", action="store_true", help="skip study.png")
    args = parser.parse_args(argv)
    try:
        rows = run(args.out, args.quick, args.seed, not args.no_plot)
    except (ValueError, OSError) as e:
        print("xbar.study: %s" % e, file=sys.stderr)
        return 2
    digital = rows[0]["accuracy"]
    print("digital accuracy %.4f; on crossbars (worst / best): %.4f / %.4f; table in %s"
          % (digital, min(r["accuracy"] for r in rows[1:]), max(r["accuracy"] for r in rows[1:]),
             os.path.join(args.out, "study.csv")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
