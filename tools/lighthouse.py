"""`make lighthouse`: Lighthouse scores of one page of each type, served as GitHub Pages serves.

The built site is served gzip-compressed from 127.0.0.1 (``browser_support.serve``) and
Lighthouse, installed from the npm registry by the Makefile, audits each page three
times in headless Chromium with its default mobile settings (simulated slow 4G and a
4x slower CPU). The median of the three runs is compared with the targets; the table
goes to stdout and to ``.cache/reports/lighthouse.md``. Exit code 1 if a page misses.

Run it as ``python -m tools.lighthouse SITE LIGHTHOUSE_BIN`` (the Makefile does).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, serve

PAGES = {
    "landing": "",
    "guide with maths": "guides/parameters-vs-hyperparameters/",
    "guide with figures": "guides/choosing-a-tuning-strategy/",
    "heaviest guide (maths and figures)": "guides/hyperparameter-catalogue/",
    "glossary": "glossary/",
    "tags": "tags/",
    "lab": "labs/inspect-what-a-model-learned/",
    "404": "404.html",  # the page a missing URL gets (Lighthouse will not audit a 404)
}
RUNS = 3
TARGETS = {"performance": 0.98, "accessibility": 1.00}
REPORT = Path(".cache/reports/lighthouse.md")


def audit(lighthouse: str, url: str, out: Path) -> dict:
    """One Lighthouse run of ``url``: its JSON report."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    subprocess.run(
        [
            lighthouse,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility",
            f"--chrome-flags={flags}",
        ],
        check=True,
        env=dict(os.environ, CHROME_PATH=CHROMIUM),
        timeout=300,
    )
    return json.loads(out.read_text(encoding="utf-8"))


def summary(reports: list[dict]) -> dict[str, float]:
    """Median scores and the metrics behind the performance score."""

    def median(get) -> float:
        return statistics.median(get(r) for r in reports)

    row = {name: median(lambda r, n=name: r["categories"][n]["score"]) for name in TARGETS}
    for metric in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time"):
        row[metric] = median(lambda r, m=metric: r["audits"][m]["numericValue"])
    row["cumulative-layout-shift"] = median(
        lambda r: r["audits"]["cumulative-layout-shift"]["numericValue"]
    )
    row["weight"] = median(lambda r: r["audits"]["total-byte-weight"]["numericValue"])
    return row


def table(rows: dict[str, dict[str, float]]) -> str:
    """The Markdown table of the medians."""
    lines = [
        "| page | performance | accessibility | FCP | LCP | TBT | CLS | transferred |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, row in rows.items():
        lines.append(
            f"| {kind} (`/{PAGES[kind]}`) | {row['performance']:.2f} | "
            f"{row['accessibility']:.2f} | {row['first-contentful-paint'] / 1000:.1f} s | "
            f"{row['largest-contentful-paint'] / 1000:.1f} s | "
            f"{row['total-blocking-time']:.0f} ms | {row['cumulative-layout-shift']:.3f} | "
            f"{row['weight'] / 1024:.0f} KB |"
        )
    return "\n".join(lines)


def save(report: Path, text: str) -> None:
    """Write a report under ``.cache/reports/`` and print it."""
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text, encoding="utf-8")
    print("\n" + text)


def main(site: Path, lighthouse: str) -> int:
    """Audit every page type; print and save the table; 1 if a page misses a target."""
    server = serve(site, compress=True)
    rows: dict[str, dict[str, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for kind, path in PAGES.items():
                reports = [
                    audit(lighthouse, server.url(path), Path(tmp) / f"run-{run}.json")
                    for run in range(RUNS)
                ]
                row = rows[kind] = summary(reports)
                print(f"{kind}: {row['performance']:.2f} / {row['accessibility']:.2f}")
    finally:
        server.stop()
    text = (
        f"Lighthouse, median of {RUNS} runs, default mobile settings, site served gzip-compressed "
        f"from 127.0.0.1. Targets: performance >= {TARGETS['performance']}, "
        f"accessibility >= {TARGETS['accessibility']}.\n\n{table(rows)}\n"
    )
    save(REPORT, text)
    missed = [
        f"{kind}: {name} {row[name]:.2f} < {target}"
        for kind, row in rows.items()
        for name, target in TARGETS.items()
        if row[name] < target
    ]
    for line in missed:
        print("below target:", line, file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
