"""A bounded soak of the production server on 127.0.0.1: gunicorn with 2 workers under mixed traffic
(pages, shared-link layouts, redraws, URL changes, CSV downloads) for at most 5 minutes.

    python bench/soak.py                 # 300 s
    python bench/soak.py --seconds 60    # shorter

Reports the answers that were errors, and the workers' memory per minute; the last line is one JSON
object. Passes when there are no error answers and memory grows by at most 10% from the first minute
to the last.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from run import dashboard, free_port, random_states, render_request, start  # noqa: E402

from border_dashboard.components import app as application  # noqa: E402
from border_dashboard.components import ids  # noqa: E402
from border_dashboard.components.state import to_query  # noqa: E402
from border_dashboard.data import store  # noqa: E402


def workers_of(master: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def csv_request(app, query: str) -> str:
    return json.dumps(
        {
            "output": f"{ids.DOWNLOAD_CSV}.data",
            "outputs": {"id": ids.DOWNLOAD_CSV, "property": "data"},
            "inputs": [{"id": ids.DOWNLOAD_CSV_BUTTON, "property": "n_clicks", "value": 1}],
            "state": [{"id": ids.SELECTION, "property": "data", "value": query}],
            "changedPropIds": [f"{ids.DOWNLOAD_CSV_BUTTON}.n_clicks"],
        }
    )


def traffic(port: int, app, queries: list[str], stop: float, tally: dict, lock: threading.Lock, seed: int):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    json_headers = {"Content-Type": "application/json"}
    while time.time() < stop:
        query = rng.choice(queries)
        kind = rng.choices(["page", "layout", "redraw", "csv"], weights=[1, 2, 6, 1])[0]
        try:
            if kind == "page":
                connection.request("GET", "/" + query)
            elif kind == "layout":
                connection.request("GET", "/_dash-layout", headers={"Referer": f"http://127.0.0.1:{port}/{query}"})
            elif kind == "redraw":
                connection.request("POST", "/_dash-update-component", render_request(app, query), json_headers)
            else:
                connection.request("POST", "/_dash-update-component", csv_request(app, query), json_headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            tally["requests"] += 1
            tally["errors"] += 0 if ok else 1
            tally[kind] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    seconds = min(args.seconds, 300)
    app = application.create_app()
    queries = [to_query(s) for s in random_states(store.load(), 3000, seed=9)]
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "gunicorn.log"
    server = start(dashboard(port, workers=2), port, log=log)
    deadline = time.time() + 30
    while len(workers_of(server.pid)) < 2 and time.time() < deadline:  # both workers booted
        time.sleep(0.2)
    tally = {"requests": 0, "errors": 0, "page": 0, "layout": 0, "redraw": 0, "csv": 0}
    lock = threading.Lock()
    started = time.time()
    stop = started + seconds
    clients = [
        threading.Thread(target=traffic, args=(port, app, queries, stop, tally, lock, i), daemon=True)
        for i in range(args.clients)
    ]
    for client in clients:
        client.start()
    samples: list[tuple[float, float]] = []
    seen: set[int] = set()
    try:
        workers = workers_of(server.pid)
        while time.time() < stop:
            current = workers_of(server.pid)
            seen |= set(current)
            samples.append((time.time() - started, rss_mb(current)))
            time.sleep(5)
        for client in clients:
            client.join()
    finally:
        server.terminate()
        server.wait()
    minutes = {}
    for at, mb in samples:
        minutes.setdefault(int(at // 60), []).append(mb)
    first, last = statistics.mean(minutes[min(minutes)]), statistics.mean(minutes[max(minutes)])
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "seconds": seconds,
        **tally,
        "rps": tally["requests"] / seconds,
        "workers_rss_mb_per_minute": [round(statistics.mean(v), 1) for _, v in sorted(minutes.items())],
        "memory_growth": last / first - 1,
        "workers": len(workers),
        "workers_restarted": seen != set(workers),
        "server_log_warnings": [
            line
            for line in log.read_text().splitlines()
            if any(w in line for w in ("WARNING", "ERROR", "CRITICAL", "Traceback"))
        ][:10],
    }
    result["passed"] = result["errors"] == 0 and result["memory_growth"] <= 0.10 and not result["workers_restarted"]
    for key, value in result.items():
        print(f"{key:<28}{value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
