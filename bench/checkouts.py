"""Side by side: the browser measures of ``run.py`` on servers of several checkouts, alternating in one run.

    git worktree add ../before <commit>
    python3 -m venv ../before/.venv && ../before/.venv/bin/pip install -e ../before
    python bench/checkouts.py link ../before .          # warm link views (run.measure_link_views' link)
    python bench/checkouts.py update ../before .        # redraws after a click (run.measure_updates)
    python bench/checkouts.py cold ../before .          # first views over the emulated network (run.cold_view)

Each checkout is served by its own ``.venv`` on its own shipped dataset (one worker), so that a change is
measured against the code before it in the same minutes of a shared, noisy machine. Prints the median and
every measurement of each checkout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as R  # noqa: E402

from border_dashboard.components import ids  # noqa: E402

LINK = "/?nationality=India&nationality=China&region=All&from=2021-01&to=2024-06&basis=fiscal"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("measure", choices=("link", "update", "cold"))
    parser.add_argument("checkouts", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    servers, ports = [], {}
    try:
        for tree in (path.resolve() for path in args.checkouts):
            port = R.free_port()
            env = {**os.environ, "BORDER_DASHBOARD_DATA_DIR": str(tree / "data" / "dataset")}
            command = [str(tree / ".venv" / "bin" / "python"), "app.py", "serve", "--port", str(port)]
            process = subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            servers.append(process)
            R.wait_until_up(port, process)
            ports[str(tree)] = port
        measured: dict[str, list[float]] = {tree: [] for tree in ports}
        charts = list(ids.CHARTS)
        if args.measure == "link":
            driver = R.browser()
            driver.set_script_timeout(30)
            try:
                for i in range(args.rounds + 1):  # the first round warms the caches
                    for tree, port in ports.items():
                        driver.get(f"http://127.0.0.1:{port}{LINK}")
                        elapsed = driver.execute_async_script(R.DRAWN, charts, True)
                        if i:
                            measured[tree].append(elapsed)
            finally:
                driver.quit()
        elif args.measure == "update":
            for _ in range(max(1, args.rounds // 6)):
                for tree, port in ports.items():
                    measured[tree].append(R.measure_updates(port, 6)["browser_update_p50_ms"])
        else:
            for i in range(max(2, args.rounds // 4) + 1):
                for tree, port in ports.items():
                    url = f"http://127.0.0.1:{port}{R.COLD_LINK}"
                    result = R.cold_view(url, [f"#{c} .js-plotly-plot" for c in charts], f"#{ids.HEADLINE}", "37,160")
                    if i:
                        measured[tree].append(result[0])
        for tree, values in measured.items():
            print(f"{args.measure} {tree}: median {statistics.median(values):,.1f} ms of {[round(v) for v in values]}")
    finally:
        for process in servers:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
