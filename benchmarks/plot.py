"""Draw a results JSON as a PNG: one heat map per peer, a row per program and a column per phase, each
cell how many times longer the peer takes than the baseline (wasmi-py) per unit of work.

    python benchmarks/plot.py benchmarks/results/<stamp>.json [out.png]

Needs matplotlib (the ``bench`` extra). A peer that could not run a program gets its status written
in the cell (skipped, too slow, failed, …), so nothing disappears from the chart silently.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import _worker_python, fmt_ratio  # noqa: E402

#: heat-map columns: (phase, op, label)
COLUMNS = [
    ("translate", "module", "translate:\nModule()"),
    ("translate", "first_call", "translate: inst.\n+ first call"),
    ("instantiate", "instantiate", "instantiate"),
    ("execute", "execute", "execute\n(warm)"),
    ("execute", "execute_cold", "execute\n(cold)"),
    ("end_to_end", "end_to_end", "end to end\n(~0.1 s job)"),
    ("call", "*", "call\noverhead"),
]
CALL_ROWS = {"host_to_wasm": "host→Wasm call", "wasm_to_host": "Wasm→host call"}


def _grid(data: Dict[str, Any]) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """row label → column label → measurement entry."""
    grid: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for e in data["measurements"]:
        if e["phase"] == "call":
            grid.setdefault(CALL_ROWS.get(e["op"], e["op"]), {})[COLUMNS[-1][2]] = e
            continue
        for phase, op, label in COLUMNS:
            if e["phase"] == phase and e["op"] == op:
                grid.setdefault(e["program"], {})[label] = e
    return grid


def plot(data: Dict[str, Any], out: Path) -> None:
    """Write the chart for ``data`` (a run.py result) to ``out``: one heat map per peer, rows =
    programs, columns = phases, each cell the peer's time ÷ the baseline's per unit of work.

    Raises ImportError without matplotlib, ValueError if the run has no runtime to compare.
    """
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    base = data.get("baseline") or "baseline"
    peers = [n for n in data["runtimes"] if n != data.get("baseline")]
    if not peers:
        raise ValueError("nothing to chart: the run measured no runtime besides the baseline")
    grid = _grid(data)
    rows = list(grid)
    cols = [c[2] for c in COLUMNS]
    ncols = 2 if len(peers) > 1 else 1
    nrows = math.ceil(len(peers) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.2 * ncols, 0.34 * len(rows) * nrows + 1.6), squeeze=False)
    norm = TwoSlopeNorm(vmin=-3.0, vcenter=0.0, vmax=3.0)  # log10 of the ratio: 1/1000x … 1000x
    cmap = plt.get_cmap("RdYlGn")
    for ax in axes.flat[len(peers):]:
        ax.axis("off")
    for ax, peer in zip(axes.flat, peers):
        values = [[math.nan] * len(cols) for _ in rows]
        for i, row in enumerate(rows):
            for j, col in enumerate(cols):
                e = grid[row].get(col)
                if e is None:
                    continue
                r = e.get("ratios", {}).get(peer)
                if r is not None:
                    values[i][j] = math.log10(r)
                    text = fmt_ratio(r).replace("x", "×")
                    color = "black"
                    if e["runtimes"][peer].get("mismatch"):
                        text, color = "WRONG\n" + text, "#7f0000"
                else:
                    rec = e["runtimes"].get(peer, {})
                    has_base = "per_unit" in e["runtimes"].get(data.get("baseline") or "", {})
                    text = rec.get("status", "n/a") if has_base or "per_unit" not in rec else "no base"
                    color = "#555555"
                ax.text(j, i, text, ha="center", va="center", fontsize=6.5, color=color)
        ax.imshow([[min(1.0, max(0.0, float(norm(v)))) if not math.isnan(v) else math.nan for v in r] for r in values], cmap=cmap,
                  vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(cols)))
        ax.set_xticklabels(cols, fontsize=7)
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(rows, fontsize=7)
        ax.set_title(f"{peer} time ÷ {base} time", fontsize=9, pad=26)
        ax.set_xticks([x - 0.5 for x in range(1, len(cols))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.tick_params(which="minor", length=0)
    m = dict(data["machine"])
    m["implementation"], m["python"] = _worker_python(data)
    fig.suptitle(f"per unit of work, median of up to {data['reps']} ({data['mode']} run, {data['clock']} time): "
                 f"green = {base} faster, red = {base} slower\n"
                 f"{m['implementation']} {m['python']}, {m['cpu']} ×{m['cpu_count']}, {data['created']}",
                 fontsize=8.5)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main(argv: List[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    src = Path(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else src.with_suffix(".png")
    plot(json.loads(src.read_text()), out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
