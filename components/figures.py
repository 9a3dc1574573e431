"""Pure figure builders: data first, options after, a ``go.Figure`` out. No Dash, no I/O.

Each figure is written as one plain dict of traces and layout and wrapped once, without Plotly's
per-property validation, which would cost more than the rest of a redraw (the unit tests validate every
figure instead). Every figure carries its title (with the year basis where years are shown) and its source
line, so that an exported image cites itself.
"""

from __future__ import annotations

import calendar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from border_dashboard.data.analysis import year_label
from border_dashboard.data.schema import Encounters as E

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
MUTED = "#B8C2CC"
ACCENT = "#D55E00"
HEATMAP_SCALE = "Cividis"
FONT = dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=13, color="#1f2933")
GRID = "#eef2f5"
# A small template of our own instead of Plotly's default one, which is 6.5 kB of settings for trace
# types these charts never use, sent with every figure and applied by the browser on every draw.
_AXIS = {"automargin": True, "ticks": "", "title": {"standoff": 15}, "zerolinewidth": 2}
TEMPLATE = {
    "layout": {
        "colorway": list(PALETTE),
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
    }
}


def _wrap(text: str, width: int = 95) -> str:
    """Break a long line into lines of at most ``width`` characters (Plotly does not wrap)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _figure(
    data: list[dict],
    layout: dict,
    *,
    title: str,
    source_line: str,
    subtitle: str = "",
    height: int = 440,
    left: int = 60,
    right: int = 20,
) -> go.Figure:
    """Shared look: title (and subtitle), source line under the plot, readable fonts, room for all.

    ``left`` and ``right``: margins wide enough for the labels (see ``_room``). Plotly would widen a
    margin that is too narrow itself, but only by drawing the chart a second time.
    """
    base = {
        "title": {
            "text": _wrap(title, 80),
            "subtitle": {"text": subtitle, "font": {"size": 14, "color": ACCENT}},
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "font": {"size": 16},
        },
        "template": TEMPLATE,
        "font": FONT,
        "height": height,
        "margin": {"l": left, "r": right, "t": 95, "b": 95},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hoverlabel": {"font": {"size": 13}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "xanchor": "left"},
    }
    annotations = [
        *layout.pop("annotations", []),
        {
            "text": _wrap(source_line),
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": 0,
            "yshift": -52,
            "xanchor": "left",
            "yanchor": "top",
            "showarrow": False,
            "align": "left",
            "font": {"size": 11, "color": "#52606d"},
        },
    ]
    # "allow": the margins leave room for the labels, so Plotly need not measure each one again to hide it.
    axis = {"gridcolor": GRID, "zerolinecolor": "#9aa5b1", "ticklabeloverflow": "allow"}
    xaxis = {**axis, "showline": True, "linecolor": "#9aa5b1", **layout.pop("xaxis", {})}
    yaxis = {**axis, **layout.pop("yaxis", {})}
    figure = {"data": data, "layout": {**base, **layout, "annotations": annotations, "xaxis": xaxis, "yaxis": yaxis}}
    return go.Figure(figure, _validate=False)


def _room(longest_label: str, *, title: bool = True) -> int:
    """Pixels beside an axis for its tick labels (13 px: digits about 7.5 px wide, letters up to 9) and title."""
    width = 7.5 if longest_label.replace(",", "").isdigit() else 9
    return round(width * len(longest_label)) + (45 if title else 15)


def _count_room(values) -> int:
    """Room for a count axis: its largest tick label is about the largest value, with headroom."""
    top = max((int(v) for v in values), default=0)
    return _room(f"{round(top * 1.15):,}")


def _ints(values) -> list[int]:
    return [int(v) for v in values]


def _months(values) -> list[str]:
    return [f"{m:%Y-%m-%d}" for m in pd.DatetimeIndex(values)]


def empty_figure(message: str, *, title: str = "", source_line: str = "") -> go.Figure:
    """A clear empty state: the reason in words, no blank axes."""
    layout = {
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "annotations": [
            {
                "text": message,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 15},
            }
        ],
    }
    return _figure([], layout, title=title, source_line=source_line)


def trend_figure(
    series: pd.DataFrame,
    *,
    title: str,
    source_line: str,
    events: pd.DataFrame | None = None,
    peak: dict | None = None,
    y_title: str = "Encounters per month",
    scale: str = "linear",
    note: str = "",
) -> go.Figure:
    """Monthly encounters, one line a nationality, with dated events as marked vertical lines.

    Where ``series`` has a ``plotted`` column (an index or a share, ``data.measures``), that is drawn and
    the hover gives the count beside it; ``scale`` "log" draws the y axis logarithmic (months of zero
    have no place on it and are left as gaps).
    """
    measured = E.plotted in series.columns
    column = E.plotted if measured else E.encounters
    data = []
    for index, (nationality, rows) in enumerate(series.groupby(E.nationality, sort=False)):
        if measured:
            values = [None if np.isnan(v) else round(float(v), 2) for v in rows[E.plotted]]
            hover = f"{nationality}<br>%{{x|%B %Y}}: %{{y:,.1f}} (%{{customdata:,}} encounters)<extra></extra>"
        else:
            values = _ints(rows[E.encounters])
            hover = f"{nationality}<br>%{{x|%B %Y}}: %{{y:,}}<extra></extra>"
        if scale == "log":
            values = [v if v else None for v in values]
        data.append(
            {
                "type": "scatter",
                "x": _months(rows[E.month]),
                "y": values,
                "name": nationality,
                "mode": "lines+markers",
                "marker": {"size": 5},
                "line": {"color": PALETTE[index % len(PALETTE)], "width": 2.5},
                "hovertemplate": hover,
                **({"customdata": _ints(rows[E.encounters])} if measured else {}),
            }
        )
    top = float(np.nanmax(series[column].to_numpy(dtype=float))) if series[column].notna().any() else 0.0
    shapes, annotations = [], []
    if events is not None and len(events):
        dates = [f"{d:%Y-%m-%d}" for d in events["date"]]
        shapes = [
            {
                "type": "line",
                "x0": d,
                "x1": d,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": "#7b8794", "width": 1, "dash": "dot"},
            }
            for d in dates
        ]
        data.append(
            {
                "type": "scatter",
                "x": dates,
                "y": [top * 1.08] * len(dates),
                "mode": "markers+text",
                "text": [str(i + 1) for i in range(len(dates))],
                "textposition": "top center",
                "marker": {"symbol": "diamond", "size": 10, "color": "#52606d"},
                "name": "Events",
                "customdata": [[e, s] for e, s in zip(events["event"], events["source"])],
                "hovertemplate": "%{x|%d %B %Y}<br>%{customdata[0]}<br><i>Source: %{customdata[1]}</i><extra></extra>",
            }
        )
    if peak and series[E.nationality].nunique() == 1 and not measured:
        annotations.append(
            {
                "x": f"{peak['month']:%Y-%m-%d}",
                "y": peak["encounters"],
                "text": f"Peak {peak['encounters']:,}<br>{peak['month']:%b %Y}",
                "showarrow": True,
                "arrowhead": 2,
                "ax": -50,
                "ay": -30,
                "font": {"size": 12},
                "bgcolor": "rgba(255,255,255,0.8)",
            }
        )
    layout = {
        "shapes": shapes,
        "annotations": annotations,
        "yaxis": {
            "title": {"text": y_title + (" (log scale)" if scale == "log" else "")},
            "tickformat": ",",
            **({"type": "log"} if scale == "log" else {"rangemode": "tozero"}),
        },
        "xaxis": {
            "title": {"text": "Month"},
            "type": "date",
            "tickformat": "%b %Y",
            "hoverformat": "%B %Y",
            "ticklabeloverflow": "hide past div",  # a label at the right edge is dropped, not cut
        },
    }
    return _figure(
        data,
        layout,
        title=title,
        source_line=source_line,
        subtitle=note,
        left=_count_room(series[column].fillna(0)),
    )


def rise_figure(
    yearly: pd.DataFrame,
    *,
    basis: str,
    title: str,
    source_line: str,
    rise_years: tuple[int, int] | None,
    ratios: dict[str, float | None],
) -> go.Figure:
    """Yearly totals side by side, the ratio between the two chosen years written on the chart."""
    months = yearly.groupby("year")["months"].max()
    labels = {
        int(year): year_label(year, basis) + ("" if months[year] == 12 else f" ({months[year]} mo.)")
        for year in months.index
    }
    data = []
    for index, (nationality, rows) in enumerate(yearly.groupby(E.nationality, sort=False)):
        data.append(
            {
                "type": "bar",
                "x": [labels[int(y)] for y in rows["year"]],
                "y": _ints(rows["encounters"]),
                "name": nationality,
                "marker": {"color": PALETTE[index % len(PALETTE)]},
                "text": [f"{v:,}" for v in rows["encounters"]],
                "textposition": "outside",
                "cliponaxis": False,
                "customdata": _ints(rows["months"]),
                "hovertemplate": f"{nationality}<br>%{{x}}: %{{y:,}} (%{{customdata}} months)<extra></extra>",
            }
        )
    subtitle, annotations = "", []
    if rise_years:
        first, second = rise_years
        words = [f"{name} {_times(ratio)}" for name, ratio in ratios.items()]
        subtitle = f"Rise {year_label(first, basis)} to {year_label(second, basis)}: " + " · ".join(words)
        if len(ratios) == 1 and second in labels:
            annotations.append(
                {  # a category axis takes the category's index as its position
                    "x": list(labels).index(second),
                    "y": int(yearly.loc[yearly["year"] == second, "encounters"].max()),
                    "yshift": 22,
                    "text": f"<b>{_times(next(iter(ratios.values())))}</b>",
                    "showarrow": False,
                    "yanchor": "bottom",
                    "font": {"size": 20, "color": ACCENT},
                }
            )
    layout = {
        "barmode": "group",
        "showlegend": yearly[E.nationality].nunique() > 1,
        "annotations": annotations,
        "yaxis": {"title": {"text": "Encounters per year"}, "tickformat": ",", "rangemode": "tozero"},
        "xaxis": {
            "title": {"text": "Calendar year" if basis == "calendar" else "Fiscal year (Oct-Sep)"},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(labels.values()),
        },
    }
    return _figure(
        data, layout, title=title, source_line=source_line, subtitle=subtitle, left=_count_room(yearly["encounters"])
    )


def _times(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"x{ratio:.1f}"


def peak_figure(
    monthly: pd.DataFrame,
    *,
    basis: str,
    title: str,
    source_line: str,
    peak: dict | None,
) -> go.Figure:
    """Year-by-month heatmap, so a seasonal peak and a one-off look different; the peak cell is boxed."""
    order = list(range(1, 13)) if basis == "calendar" else [10, 11, 12, *range(1, 10)]
    names = [calendar.month_abbr[m] for m in order]
    months = pd.DatetimeIndex(monthly[E.month])
    years = months.year + ((months.month >= 10) if basis == "fiscal" else 0)
    year_values = sorted(set(years))
    grid = np.full((len(year_values), 12), np.nan)
    rows = np.searchsorted(year_values, years)
    columns = np.array([order.index(m) for m in months.month], dtype=int)
    grid[rows, columns] = monthly[E.encounters].to_numpy()
    labels = [year_label(y, basis) for y in year_values]
    z = [[None if np.isnan(v) else int(v) for v in row] for row in grid]
    data = [
        {
            "type": "heatmap",
            "z": z,
            "x": names,
            "y": labels,
            "colorscale": HEATMAP_SCALE,
            "showscale": False,  # every cell carries its number; a colour bar would only repeat them
            "text": [["" if v is None else f"{v:,}" for v in row] for row in z],
            "texttemplate": "%{text}",
            "hovertemplate": "%{x} of %{y}: %{z:,}<extra></extra>",
            "xgap": 2,
            "ygap": 2,
        }
    ]
    shapes, subtitle = [], ""
    if peak:
        month = peak["month"]
        x = order.index(month.month)
        y = year_values.index(month.year + (month.month >= 10 if basis == "fiscal" else 0))
        shapes.append(
            {
                "type": "rect",
                "x0": x - 0.5,
                "x1": x + 0.5,
                "y0": y - 0.5,
                "y1": y + 0.5,
                "line": {"color": ACCENT, "width": 3},
            }
        )
        subtitle = f"Peak month (boxed): {peak['encounters']:,} in {month:%B %Y}"
    layout = {
        "shapes": shapes,
        "xaxis": {"title": {"text": "Month"}, "showline": False, "type": "category"},
        "yaxis": {
            "title": {"text": "Calendar year" if basis == "calendar" else "Fiscal year"},
            "autorange": "reversed",
            "type": "category",
        },
    }
    return _figure(
        data,
        layout,
        title=title,
        source_line=source_line,
        subtitle=subtitle,
        left=_room(max(labels, key=len, default="")),
    )


def top_figure(top: pd.DataFrame, *, highlight: tuple[str, ...], title: str, source_line: str) -> go.Figure:
    """The nationalities with most encounters in the window, ranked; the selected ones in colour."""
    rows = top.iloc[::-1]
    labels = [f"{rank}. {name}" for rank, name in zip(rows["rank"], rows[E.nationality])]
    data = [
        {
            "type": "bar",
            "x": _ints(rows[E.encounters]),
            "y": labels,
            "orientation": "h",
            "marker": {"color": [PALETTE[0] if n in highlight else MUTED for n in rows[E.nationality]]},
            "text": [f"{v:,}" for v in rows[E.encounters]],
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": "%{y}: %{x:,}<extra></extra>",
        }
    ]
    layout = {
        "xaxis": {"title": {"text": "Encounters in the window"}, "tickformat": ",", "rangemode": "tozero"},
        "yaxis": {"title": {"text": ""}, "type": "category", "tickmode": "linear", "ticklabelstandoff": 4},
    }
    return _figure(
        data,
        layout,
        title=title,
        source_line=source_line,
        height=max(360, 200 + 26 * len(rows)),
        left=_room(max(labels, key=len, default=""), title=False),
        right=90,  # room for the value labels outside the longest bar
    )
