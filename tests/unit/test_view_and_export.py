"""The composed view: headline numbers and the story sentence come from the numbers; CSV is safe."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import threading

import pandas as pd
import plotly.graph_objects as go
import pytest

from border_dashboard.components import export, figures
from border_dashboard.components.state import ViewState, from_query
from border_dashboard.components.view import ViewBuilder, headline, sentence
from border_dashboard.data.schema import ALL
from border_dashboard.data.schema import Encounters as E


@pytest.fixture(scope="module")
def builder(dataset):
    return ViewBuilder(dataset)


def test_headline_names_the_basis_and_partial_years(builder):
    view = builder.build(ViewState(rise=(2023, 2024)))
    items = {label: value for label, value, _ in headline(view)}
    assert items["2024 total (11 of 12 months)"] == "25,000"
    assert items["Fall 2023 to 2024, 11 of 12 months"] == "fell 33%"  # picked by the reader: months said
    assert items["Change since peak (to Nov 2024)"] == "-86%"


def test_the_story_s_headline_and_its_rounding_notes(builder):
    items = {label: (value, note) for label, value, note in headline(builder.build(ViewState()))}
    assert items["2023 total"] == (
        "37,160",
        "A sum of 12 monthly figures rounded to the nearest 10: within 60 of the true count.",
    )
    assert items["Rise 2022 to 2023"] == ("x10.3", "Between 10.1 and 10.5 times under rounding.")


def test_no_ratio_without_two_whole_years(builder):
    view = builder.build(ViewState(start="2023-12", end="2024-12"))
    items = {label: (value, note) for label, value, note in headline(view)}
    assert (
        items["Rise between two years"][0] == "n/a"
        and "fewer than two whole years" in items["Rise between two years"][1]
    )
    assert items["Total (Dec 2023 to Nov 2024)"][0] == f"{5_950 + 25_000:,}"
    assert "x4.2" not in sentence(view) and "December 2023 to November 2024" in sentence(view)


def test_sentence_for_several_nationalities_on_fiscal_years(builder):
    text = sentence(builder.build(ViewState(nationalities=("China", "India"), basis="fiscal")))
    # Whole years by default: FY2023 and FY2024, not the window's 9 months of FY2022.
    assert "nationals of China and India combined" in text and "in FY2024" in text and "of FY2023" in text
    assert "FY2022" not in text and "Their combined monthly count peaked" in text


def test_sentence_when_the_first_year_has_none(builder):
    view = builder.build(ViewState(nationalities=("Saint Lucia",), region=ALL, start="2000-01", end="2024-12"))
    text = sentence(view)
    assert "encountered fewer than 5 nationals of Saint Lucia" in text  # a rounded 0 is not none
    assert "peaked at 10 in December 2007" in text


def test_cbp_sentence_names_the_agency(builder):
    text = sentence(builder.build(ViewState(source="cbp-swb", nationalities=("Mexico",))))
    assert text.startswith("CBP encountered") and "Southwest Land Border" in text


def test_views_are_memoized_per_builder(builder):
    assert builder.build(ViewState()) is builder.build(ViewState())


@pytest.mark.parametrize("value", ["=1+1", "+cmd", "-2+3", "@SUM(A1)"])
def test_formula_cells_are_neutralized(value):
    assert export.neutralize(value) == "'" + value
    assert export.neutralize("Mexico") == "Mexico" and export.neutralize(5) == 5


def test_image_format_is_checked():
    with pytest.raises(ValueError, match="unknown image format"):
        export.image_bytes(None, "gif")


def test_without_chromium_an_image_download_fails_at_once_with_the_reason():
    """No browser for Kaleido (a path that does not exist): ImageExportError, which the page shows, within
    seconds; never a request that waits for good on a Kaleido server whose thread has ended."""
    script = (
        "import plotly.graph_objects as go\n"
        "from border_dashboard.components import export\n"
        "for fmt in ('png', 'svg'):\n"
        "    try:\n"
        "        export.image_bytes(go.Figure(), fmt)\n"
        "    except export.ImageExportError as error:\n"
        "        print(error)\n"
    )
    environment = {**os.environ, "BROWSER_PATH": "/nonexistent/chromium"}
    done = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, timeout=60)
    lines = done.stdout.splitlines()
    assert [line.split(" could not")[0] for line in lines] == ["The PNG", "The SVG"], done.stderr[-2000:]
    assert all("it needs Chromium (apt-get install chromium)" in line for line in lines)


def test_images_rendered_at_once_from_several_threads_each_go_to_their_caller():
    """Kaleido's one server answers through one queue: without export's lock, callers that wait at the
    same time take each other's images (here, without it, 2 to 4 of the 4 in each of 5 tries)."""
    export.start_image_server()
    start_together, wrong = threading.Barrier(4), []

    def render(i):
        figure = go.Figure(go.Bar(x=[1], y=[i]), layout_title_text=f"figure {i} of 4")
        start_together.wait()
        if f"figure {i} of 4".encode() not in export.image_bytes(figure, "svg"):
            wrong.append(i)

    threads = [threading.Thread(target=render, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_a_view_read_back_from_its_json_is_the_same_view(builder):
    """What the shared cache stores: plain JSON that reads back to an equal view (frames, numbers, dates)."""
    import dataclasses

    from border_dashboard.components.view import view_from_json, view_to_json

    for state in (
        ViewState(),
        ViewState(nationalities=("China", "India"), basis="fiscal"),
        ViewState(nationalities=()),
    ):
        built = builder.build(state)
        again = view_from_json(view_to_json(built), state)
        for field in dataclasses.fields(built):
            before, after = getattr(built, field.name), getattr(again, field.name)
            if hasattr(before, "equals"):
                assert before.reset_index(drop=True).equals(after), field.name
            else:
                assert before == after, field.name
    with pytest.raises(ValueError):
        view_from_json(view_to_json(builder.build(ViewState())), ViewState(nationalities=("India",)))


def test_every_csv_header_line_is_one_harmless_cell(dataset):
    """A hostile input file name or value in the provenance cannot put a formula in a cell of its own."""
    import csv
    import io

    from border_dashboard.components import export
    from border_dashboard.components.state import ViewState
    from border_dashboard.components.view import ViewBuilder

    view = ViewBuilder(dataset).build(ViewState())
    provenance = {
        **dataset.provenance["ohss-usbp"],
        "input_file": 'evil,=HYPERLINK("http://x"),@SUM(1)\n+cmd|\x00.xlsx',
        "page": "https://example.org/a,b",
    }
    text = export.csv_text(view, provenance)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert len(header) == 6  # the line break in the name did not start a seventh line
    for row in csv.reader(io.StringIO("\n".join(header))):
        assert len(row) == 1 and row[0].startswith("#"), row
    assert "evil;=HYPERLINK('http://x');@SUM(1) +cmd| .xlsx" in text
    assert not [line for line in text.splitlines() if line[:1] in "=+-@"]


def test_a_rounded_zero_reads_as_fewer_than_five_in_hovers_cells_and_the_csv(dataset):
    """China at the Northern border: months OHSS gives as 0 (fewer than 5) are '<5' in the trend's and the
    heatmap's hovers and cells, '<5/mo.' on a yearly bar, and '<5' in the CSV (whose header says what it
    means). CBP's exact zeros stay zeros."""
    from border_dashboard.components import charts, ids
    from border_dashboard.components.view import ViewBuilder

    builder = ViewBuilder(dataset)
    state, _ = from_query("nationality=China&region=Northern+Land+Border", dataset)
    view = builder.build(state)
    zero_months = view.series[view.series[E.encounters] == 0]
    assert len(zero_months) > 5
    drawn = charts.build_charts(view)
    trend = drawn[ids.TREND].data[0]
    for y, text in zip(trend.y, trend.hovertext):
        assert text == ("<5" if y == 0 else f"{y:,}")
    assert "%{hovertext}" in trend.hovertemplate and "%{y:,}" not in trend.hovertemplate
    heat = drawn[ids.PEAK].data[0]
    cells = [(z, t, h) for zs, ts, hs in zip(heat.z, heat.text, heat.hovertext) for z, t, h in zip(zs, ts, hs)]
    assert any(z == 0 for z, _, _ in cells)
    assert all(t == "<5" and h.endswith(": <5") for z, t, h in cells if z == 0) and "%{hovertext}" in heat.hovertemplate
    assert "January 2022: <5" in [h for _, _, h in cells] and not any(" of " in h for _, _, h in cells)
    body = export.csv_text(view, dataset.provenance[state.source]).splitlines()
    rows = list(csv.DictReader(line for line in body if not line.startswith("#")))
    monthly = {r["Period"]: r["China"] for r in rows if r["What"] == "month"}
    zeros = {f"{m:%Y-%m}" for m in zero_months[E.month]}
    assert {p for p, cell in monthly.items() if cell == "<5"} == zeros and "0" not in monthly.values()
    yearly = pd.DataFrame({E.nationality: ["Fiji", "Fiji"], "year": [2022, 2023], "encounters": [0, 10], "months": 12})
    bars = figures.rise_figure(
        yearly, basis="calendar", title="t", source_line="s", rise_years=None, ratios={}, fewer_than=5
    ).data[0]
    assert list(bars.text) == ["<5/mo.", "10"] and list(bars.hovertext) == ["<5 a month", "10"]
    exact = figures.rise_figure(yearly, basis="calendar", title="t", source_line="s", rise_years=None, ratios={})
    assert list(exact.data[0].text) == ["0", "10"]
