"""The benchmark runs (a smoke test; the benchmark itself lives apart, in bench/, and times nothing here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from border_dashboard.data import store

BENCH = Path(__file__).resolve().parents[2] / "bench" / "run.py"


def test_benchmark_measures_run_on_a_few_selections():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    states = bench.random_states(store.load(), 3, seed=1)
    assert len(set(states)) == 3
    ours, naive = bench.measure_callbacks(states), bench.measure_naive(states)
    assert ours["callback_p50_ms"] > 0 and naive["naive_p50_ms"] > 0
    assert '"changedPropIds"' in bench.render_request(bench.application.create_app(), "?nationality=China")
