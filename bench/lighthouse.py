"""Lighthouse's scores of the dashboard's default link and of the bare Dash floor, in the same run.

    python bench/lighthouse.py              # one run of each page with each preset
    python bench/lighthouse.py --runs 3     # medians of three, the pages alternating

The npm package, pinned in tools/lighthouse (``npm ci`` there, done by this script when its node_modules is
missing), with Debian's chromium (``CHROME_PATH``); its desktop preset and its default (mobile) one, on
``/?nationality=China`` under ``border-dashboard serve --workers 2`` and on ``bench/floor_app.py``. Prints
a table, then as its last line one JSON object: per preset and page the four category scores (0 to 100),
the metrics and what costs points (each failing audit of best practices and SEO, and the performance
audits below 0.9). The machine is shared and noisy: read the scores of one run side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LIGHTHOUSE = ROOT / "tools" / "lighthouse"
sys.path.insert(0, str(BENCH))

from run import COLD_LINK, dashboard, free_port, start  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {
    "first-contentful-paint": "fcp_ms",
    "largest-contentful-paint": "lcp_ms",
    "total-blocking-time": "tbt_ms",
    "cumulative-layout-shift": "cls",
    "speed-index": "speed_index_ms",
    "mainthread-work-breakdown": "main_thread_ms",
    "dom-size": "dom_elements",
    "total-byte-weight": "bytes",
}
TARGETS = {  # the issue's: (preset, page, key) -> (comparison, bound)
    ("desktop", "dashboard", "performance"): (">=", 90),
    ("mobile", "dashboard", "performance"): (">=", 70),
    ("desktop", "dashboard", "best-practices"): (">=", 100),
    ("mobile", "dashboard", "best-practices"): (">=", 100),
    ("desktop", "dashboard", "seo"): (">=", 90),
    ("mobile", "dashboard", "seo"): (">=", 90),
}
ABOVE_FLOOR = 25  # desktop performance at least this many points above the floor's


def lighthouse_cli() -> Path:
    cli = LIGHTHOUSE / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE, check=True)
    return cli


def audit(url: str, preset: str) -> dict:
    """One Lighthouse run: its category scores, metrics and the audits that cost points."""
    chrome = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [
            "node",
            str(lighthouse_cli()),
            url,
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
            f"--user-data-dir={scratch}/profile",
        ]
        if preset == "desktop":
            command.append("--preset=desktop")
        subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chrome}, timeout=300)
        data = json.loads(report.read_text())
    audits = data["audits"]
    result = {name: round(100 * (data["categories"][name]["score"] or 0)) for name in CATEGORIES}
    for audit_id, key in METRICS.items():
        result[key] = audits[audit_id].get("numericValue")
    costs = []
    for name in CATEGORIES:
        for ref in data["categories"][name]["auditRefs"]:
            item = audits[ref["id"]]
            if (
                ref.get("weight", 0)
                and item.get("score") is not None
                and item["score"] < (0.9 if name == "performance" else 1)
            ):
                costs.append(f"{name}: {ref['id']} ({item.get('displayValue') or item['score']})")
    result["costs"] = costs
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1, help="runs of each page with each preset (medians)")
    parser.add_argument("--presets", default="desktop,mobile", help="desktop, mobile or both")
    args = parser.parse_args()
    port, floor_port = free_port(), free_port()
    servers = [
        start(dashboard(port, workers=2), port),
        start([sys.executable, str(BENCH / "floor_app.py"), str(floor_port)], floor_port),
    ]
    pages = {"dashboard": f"http://127.0.0.1:{port}{COLD_LINK}", "floor": f"http://127.0.0.1:{floor_port}/"}
    runs: dict[tuple[str, str], list[dict]] = {}
    try:
        for _ in range(args.runs):
            for preset in args.presets.split(","):
                for page, url in pages.items():  # alternating: both meet the same moments of the machine
                    print(f"lighthouse {preset} {page} ...", file=sys.stderr)
                    runs.setdefault((preset, page), []).append(audit(url, preset))
    finally:
        for process in servers:
            process.terminate()
            process.wait()
    results: dict = {}
    for (preset, page), measured in runs.items():
        summary = {
            key: statistics.median(r[key] for r in measured if r[key] is not None)
            for key in measured[0]
            if key != "costs" and any(r[key] is not None for r in measured)
        }
        summary["costs"] = sorted({c for r in measured for c in r["costs"]})
        results[f"{preset}_{page}"] = summary
    checks = {}
    for (preset, page, key), (_, bound) in TARGETS.items():
        if f"{preset}_{page}" in results:
            checks[f"{preset} {page} {key} >= {bound}"] = results[f"{preset}_{page}"][key] >= bound
    if "desktop_dashboard" in results:
        gap = results["desktop_dashboard"]["performance"] - results["desktop_floor"]["performance"]
        results["desktop_performance_above_floor"] = gap
        checks[f"desktop performance {ABOVE_FLOOR}+ above the floor's"] = gap >= ABOVE_FLOOR
    for name, summary in ((k, v) for k, v in results.items() if isinstance(v, dict)):
        scores = "  ".join(f"{c} {summary[c]:.0f}" for c in CATEGORIES)
        metrics = "  ".join(
            f"{k} {summary[k]:,.0f}" if k != "cls" else f"cls {summary[k]:.3f}" for k in METRICS.values()
        )
        print(f"{name:<20} {scores}\n{'':<20} {metrics}")
        for cost in summary["costs"]:
            print(f"{'':<22}- {cost}")
    for check, met in checks.items():
        print(f"{check:<50} {'ok' if met else 'MISSED'}")
    results["all_targets_met"] = all(checks.values())
    print(json.dumps(results))


if __name__ == "__main__":
    main()
