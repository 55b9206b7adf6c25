#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
"""Draws the benchmark charts of docs/benchmarks.md from the measured figures in bench/results/.

Each bench/results/*.json file holds a list of charts, each measured in one run and written either
by the benchmark that measured it (bench/http/server_vs_nginx.py --json) or from the run's table
in docs/benchmarks.md (the file names the section and the date):

    {"name": "server_rate", "title": "...", "source": "where and when it was measured",
     "ylabel": "...", "categories": ["keep-alive -c50", ...],
     "series": {"socklite": [1.00, ...], "nginx": [1.0, ...]}, "reference": 1.0}

Every chart becomes docs/images/chart_<name>.png: grouped bars, one group per category, one bar
per series, its value written on it, and a dashed line at "reference" when given. The pages show
them (docs/benchmarks.md, and the Doxygen pages through IMAGE_PATH).

    scripts/charts.py              draw every chart
    scripts/charts.py --list       name the charts and their sources, draw nothing

Needs matplotlib (Debian: apt-get install python3-matplotlib). Not part of the test suite.
"""
import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
IMAGES = ROOT / "docs" / "images"
# Colour-blind-safe palette (Okabe and Ito); socklite is always the first colour.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def load_charts():
    charts = []
    for path in sorted(RESULTS.glob("*.json")):
        for chart in json.loads(path.read_text(encoding="utf-8")):
            for key in ("name", "title", "source", "ylabel", "categories", "series"):
                if key not in chart:
                    sys.exit("%s: chart without '%s'" % (path, key))
            for label, values in chart["series"].items():
                if len(values) != len(chart["categories"]):
                    sys.exit("%s: chart %s, series %s: %d values for %d categories" % (
                        path, chart["name"], label, len(values), len(chart["categories"])))
            chart["file"] = path.name
            charts.append(chart)
    return charts


def label_of(value):
    if value is None:
        return ""
    if value >= 100:
        return "{:,.0f}".format(value)
    if value >= 10:
        return "%.1f" % value
    return "%.2f" % value


def draw(chart, plt):
    categories = chart["categories"]
    series = list(chart["series"].items())
    width = 0.8 / max(1, len(series))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(categories) + 2.5), 3.6), dpi=110)
    for i, (label, values) in enumerate(series):
        xs = [c + (i - (len(series) - 1) / 2.0) * width for c in range(len(categories))]
        heights = [0 if v is None else v for v in values]
        bars = ax.bar(xs, heights, width * 0.92, label=label, color=PALETTE[i % len(PALETTE)])
        for bar, v in zip(bars, values):
            ax.annotate(label_of(v), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=7, xytext=(0, 1),
                        textcoords="offset points")
    if chart.get("reference") is not None:
        ax.axhline(chart["reference"], color="#555555", linestyle="--", linewidth=0.8)
    ax.set_xticks(range(len(categories)))
    ax.set_xticklabels(categories, fontsize=8)
    ax.set_ylabel(chart["ylabel"], fontsize=8)
    ax.set_title(chart["title"], fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    ax.margins(y=0.15)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.legend(fontsize=7, frameon=False, ncol=min(4, len(series)), loc="upper center",
              bbox_to_anchor=(0.5, -0.12))
    fig.text(0.01, 0.01, chart["source"], fontsize=6, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    out = IMAGES / ("chart_%s.png" % chart["name"])
    # Fixed metadata: the same figures give the same file.
    fig.savefig(out, metadata={"Software": None})
    plt.close(fig)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="list the charts, draw nothing")
    args = ap.parse_args()
    charts = load_charts()
    if args.list:
        for c in charts:
            print("%-16s %-24s %s" % (c["name"], c["file"], c["source"]))
        return 0
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("needs matplotlib: apt-get install python3-matplotlib")
    IMAGES.mkdir(parents=True, exist_ok=True)
    for c in charts:
        print(draw(c, plt).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
