"""The benchmark measures what it says (a smoke test; the benchmark itself lives apart, in bench/, and times
nothing here): the requests it times are ones the app answers with the story's numbers, and its naive
baseline draws the same numbers as the dashboard, so the two timings compare the same work."""

from __future__ import annotations

import base64
import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from border_dashboard.components import ids
from border_dashboard.components.state import ViewState
from border_dashboard.data import store
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import DEFAULT_SOURCE

BENCH = Path(__file__).resolve().parents[2] / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_measures_run_on_a_few_selections(bench):
    states = bench.random_states(store.load(), 3, seed=1)
    assert len(set(states)) == 3
    ours, naive = bench.measure_callbacks(states), bench.measure_naive(states)
    assert set(ours) == {"callback_p50_ms", "callback_p95_ms"} and set(naive) == {"naive_p50_ms"}
    assert ours["callback_p50_ms"] <= ours["callback_p95_ms"]


def test_the_request_the_benchmark_times_is_answered_with_the_story(bench):
    app = bench.application.create_app()
    body = bench.render_request(app, "?nationality=China")
    answer = app.server.test_client().post("/_dash-update-component", data=body, content_type="application/json")
    assert answer.status_code == 200, answer.data
    sentence = answer.get_json()["response"][ids.SENTENCE]["children"]
    assert sentence.startswith("Border Patrol encountered 37,160 nationals of China at the Southwest Land Border")


def test_the_naive_baseline_draws_the_dashboard_s_numbers(bench):
    table = pd.read_csv(store.locate() / f"{DEFAULT_SOURCE}{store.TABLE}", keep_default_na=False)
    table[E.month] = pd.to_datetime(table[E.month], format="%Y-%m")
    trend, rise, _, _ = json.loads(bench.naive_figures(table, ViewState()))
    assert _values(rise["data"][0]["y"]) == [3_600, 37_160, 25_000]  # China, calendar 2022 to 2024
    assert max(_values(trend["data"][0]["y"])) == 5_950  # December 2023


def _values(array) -> list:
    """A trace's array as Plotly's JSON writes it: a list, or base64 bytes with their dtype."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)
