"""The dashboard on a dataset 100 times the shipped one: synthetic rows in the shape of CBP's
nationwide file (area of responsibility x demographic x title x nationality x month).

Run by bench/run.py in its own process, so that its memory is measured alone; prints one JSON line.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from border_dashboard.components import app as application  # noqa: E402
from border_dashboard.components import (
    callbacks,  # noqa: E402
)
from border_dashboard.components.state import ViewState, to_query  # noqa: E402
from border_dashboard.components.view import ViewBuilder  # noqa: E402
from border_dashboard.data import store  # noqa: E402
from border_dashboard.data.importers import CROSSWALK_FILE  # noqa: E402
from border_dashboard.data.schema import ALL, NOT_APPLICABLE  # noqa: E402
from border_dashboard.data.schema import Encounters as E

REGIONS = ("Southwest Land Border", "Northern Land Border", "Other")
DEMOGRAPHICS = ("Accompanied Minors", "FMUA", "Single Adults", "UAC")
TITLES = (("Title 8", "Apprehensions"), ("Title 42", "Expulsions"))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def synthetic(rows_wanted: int) -> pd.DataFrame:
    nationalities = sorted(set(pd.read_csv(CROSSWALK_FILE)["nationality"]))
    months_count = 100
    per_aor = len(DEMOGRAPHICS) * len(TITLES) * len(nationalities) * months_count
    aors = max(1, round(rows_wanted / per_aor))
    shape = (aors, len(DEMOGRAPHICS), len(TITLES), len(nationalities), months_count)
    grid = np.indices(shape).reshape(len(shape), -1)
    aor, demographic, title, nationality, month = grid
    months = pd.date_range("2016-10-01", periods=months_count, freq="MS")
    aor_names = [f"Area {i:02d} {'Sector' if i % 2 else 'Field Office'}" for i in range(aors)]
    rng = np.random.default_rng(7)

    def category(codes, values):
        return pd.Categorical.from_codes(codes, categories=list(values))

    month_values = months[month]
    return pd.DataFrame(
        {
            E.source: category(np.zeros(len(aor), dtype=int), ["cbp-nationwide"]),
            E.month: month_values.to_numpy(dtype="datetime64[s]"),
            E.fiscal_year: (month_values.year + (month_values.month >= 10)).to_numpy(),
            E.region: category(aor % len(REGIONS), REGIONS),
            E.nationality: category(nationality, nationalities),
            E.citizenship: category(nationality, [n.upper() for n in nationalities]),
            E.component: category(aor % 2, ["Office of Field Operations", "U.S. Border Patrol"]),
            E.demographic: category(demographic, DEMOGRAPHICS),
            E.title_of_authority: category(title, [t for t, _ in TITLES]),
            E.encounter_type: category(title, [k for _, k in TITLES]),
            E.area_of_responsibility: category(aor, aor_names),
            E.sector: category(np.zeros(len(aor), dtype=int), [NOT_APPLICABLE]),
            E.encounters: rng.poisson(20, len(aor)).astype("int64"),
        }
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    shipped = store.load(store.SHIPPED_DATASET)
    shipped_rows = sum(len(t) for t in shipped.tables.values())
    started = time.perf_counter()
    table = synthetic(100 * shipped_rows)
    dataset = store.Dataset(
        {**shipped.tables, "cbp-nationwide": table},
        {**shipped.provenance, "cbp-nationwide": {**shipped.provenance["cbp-swb"], "release": "synthetic"}},
    )
    application.create_app(dataset=dataset)  # as a server would: the app indexes every source
    build_s = time.perf_counter() - started
    builder = ViewBuilder(dataset)
    served = dataset.served("cbp-nationwide")
    names = served.choices(E.nationality)
    random.seed(3)
    times = []
    for _ in range(runs):
        first = random.randint(2017, 2024)
        filters = ()
        if random.random() < 0.3:
            filters = ((E.component, random.choice(["U.S. Border Patrol", "Office of Field Operations"])),)
        if random.random() < 0.3:
            filters = (*filters, (E.demographic, random.choice(DEMOGRAPHICS)))
        state = ViewState(
            source="cbp-nationwide",
            nationalities=tuple(random.sample(names, random.choice((1, 1, 2, 3)))),
            region=random.choice((*REGIONS, ALL)),
            start=f"{first}-01",
            end=f"{random.randint(first, 2024)}-12",
            basis=random.choice(("calendar", "fiscal")),
            filters=filters,
        )
        t0 = time.perf_counter()
        callbacks.render_view(dataset, builder, to_query(state))
        times.append((time.perf_counter() - t0) * 1000)
    print(
        json.dumps(
            {
                "rows_100x": len(table),
                "shipped_rows": shipped_rows,
                "callback_p50_ms_100x": statistics.median(times),
                "rss_mb_100x": rss_mb(),
                "build_s_100x": build_s,
            }
        )
    )


if __name__ == "__main__":
    main()
