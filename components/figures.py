"""Pure figure builders: data first, options after, a ``go.Figure`` out (or, with ``plain=True``, the
JSON-ready dict it sends). No Dash, no I/O.

Each figure is written as one plain dict of traces and layout and wrapped once, without Plotly's
per-property validation, which would cost more than the rest of a redraw (the unit tests validate every
figure instead); the page's redraw sends the plain dict itself (``_builder``). Every figure carries its
title (with the year basis where years are shown) and its source line, so that an exported image cites
itself.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from _plotly_utils.basevalidators import is_homogeneous_array
from _plotly_utils.utils import is_skipped_key, to_typed_array_spec

from border_dashboard.data.analysis import change_title, change_words, months_by_year, rows_by_nationality, year_label
from border_dashboard.data.schema import Encounters as E

# CARTO's "Safe" qualitative palette (12 colours, made to stay distinct with the common colour-vision
# deficiencies; carto.com/carto-colors), the darker colours first: every line of the at most 12
# nationalities (controls.MAX_NATIONALITIES) has a colour of its own, and a marker shape of its own too.
PALETTE = (
    "#332288",
    "#117733",
    "#CC6677",
    "#88CCEE",
    "#AA4499",
    "#44AA99",
    "#999933",
    "#882255",
    "#DDCC77",
    "#661100",
    "#6699CC",
    "#888888",
)
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "triangle-down", "star", "pentagon")
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


def _lines(text: str) -> int:
    return text.count("<br>") + 1 if text else 0


# What a line takes, so that every margin is worked out rather than left for Plotly to widen (a second
# draw) or, worse, too small: titles, legends and source lines then never overlap each other or the plot.
# Characters per line: "wide" for a chart at least 640 px wide (and exports, 1000 px), "narrow" for a
# phone's (down to 284 px on a 320 px screen); the page asks for narrow charts where its cards are narrow.
CHARS = {False: {"title": 68, "subtitle": 78, "source": 95}, True: {"title": 26, "subtitle": 33, "source": 42}}
# Plotly anchors a title of several lines 11 px higher than one of one line, and draws a subtitle 19 px
# under the title's last line (measured in Chromium: 16 px text, 21 px lines).
TITLE_LINE, SUBTITLE_GAP, SUBTITLE_LINE, UNDER_TITLE = 21, 19, 18, 14
AXIS_ROOM = 56  # under the plot: the x tick labels and the axis title
LEGEND_ROW, SOURCE_LINE = 22, 14


def _legend_item_width(name: str) -> int:
    """A legend entry's width at 12 px: the symbol and gap (40 px), then about 7.5 px a character."""
    return 40 + round(7.5 * len(name))


def _figure(
    data: list[dict],
    layout: dict,
    *,
    title: str,
    source_line: str,
    subtitle: str = "",
    plot_height: int = 250,
    left: int = 60,
    right: int = 20,
    legend: list[str] | None = None,
    narrow: bool = False,
    axis_room: int = AXIS_ROOM,
) -> go.Figure:
    """Shared look: title (and subtitle), source line under the plot, readable fonts, room for all.

    Every margin is worked out from what it holds: the top from the title's and subtitle's lines, the
    bottom from the axis, the legend (on a narrow chart) and the source line's lines, the sides from the
    longest labels (``left`` and ``right``, see ``_room``) and the legend (on a wide chart, at the right).
    The figure's height is its plot's and its margins': the page gives the chart exactly that box.
    ``legend``: the names the legend lists (None: no legend).
    """
    chars = CHARS[narrow]
    title_text = _wrap(title, chars["title"])
    subtitle_text = _wrap(subtitle, chars["subtitle"]) if subtitle else ""
    source_text = _wrap(source_line, chars["source"])
    title_lines = _lines(title_text)
    top = 25 + TITLE_LINE * (title_lines - 1)  # the title's last line ends here, 6 px under the top edge
    if subtitle_text:
        top += SUBTITLE_GAP + 16 + SUBTITLE_LINE * (_lines(subtitle_text) - 1)
    top += UNDER_TITLE
    under = axis_room
    legend_layout: dict = {"font": {"size": 12}}
    if legend and narrow:  # under the axis title, one name a row (Plotly's rows across vary with the width)
        legend_layout.update(orientation="v", x=0, xanchor="left", y=-(under + 4) / plot_height, yanchor="top")
        under += 4 + 10 + LEGEND_ROW * len(legend)  # its rows and its own padding
    elif legend:  # at the right of the plot, one name a row
        legend_layout.update(orientation="v", x=1, xanchor="left", y=1, yanchor="top", yref="paper")
        right = max(right, 20 + max(_legend_item_width(n) for n in legend))
        plot_height = max(plot_height, LEGEND_ROW * len(legend) + 10)
    bottom = under + 6 + SOURCE_LINE * _lines(source_text) + 10
    base = {
        "title": {
            "text": title_text,
            "subtitle": {"text": subtitle_text, "font": {"size": 14, "color": ACCENT}},
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"l": 10, "t": 21 if title_lines > 1 else 10},  # its top 6 px under the edge
            "font": {"size": 16},
        },
        "template": TEMPLATE,
        "font": FONT,
        "height": top + plot_height + bottom,
        "margin": {"l": left, "r": right, "t": top, "b": bottom},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hoverlabel": {"font": {"size": 13}},
        "showlegend": bool(legend),
        "legend": legend_layout,
    }
    annotations = [
        *layout.pop("annotations", []),
        {
            "text": source_text,
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": 0,
            "xshift": 10 - left,  # from the figure's left edge, like the title: the whole width to wrap in
            "yshift": -(under + 6),
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
    return {"data": data, "layout": {**base, **layout, "annotations": annotations, "xaxis": xaxis, "yaxis": yaxis}}


def _builder(make: Callable[..., dict]) -> Callable[..., go.Figure]:
    """A figure builder: ``make`` writes the figure as one plain dict, given out as a ``go.Figure`` (without
    Plotly's validation), or with ``plain=True`` as the JSON-ready dict that figure sends (what
    ``go.Figure.to_plotly_json()`` gives: numeric arrays as Plotly's typed arrays). The page's redraw takes
    the plain one: building and then copying Plotly's objects cost more than the rest of a chart."""

    @functools.wraps(make)
    def build(*args, plain: bool = False, **options):
        figure = make(*args, **options)
        if plain:
            return with_typed_arrays(figure)
        return go.Figure(figure, _validate=False)

    return build


_CONTAINERS = (dict, list, tuple)
_PLAIN = (str, int, float, bool, type(None))


def with_typed_arrays(figure: dict) -> dict:
    """``figure`` with each array value as Plotly's typed array, in place: what
    ``_plotly_utils.utils.convert_to_base64`` (applied by ``go.Figure.to_dict``) does, at a fraction of its
    cost. That one asks of every element of every list whether it is an array (a quarter of a redraw);
    here a plain value (a label, a count, a date) is passed over at once."""
    if isinstance(figure, dict):
        for key, value in figure.items():
            if type(value) in _PLAIN or is_skipped_key(key):
                continue
            if isinstance(value, _CONTAINERS):
                with_typed_arrays(value)
            elif is_homogeneous_array(value):
                figure[key] = to_typed_array_spec(value)
    elif isinstance(figure, (list, tuple)):
        for value in figure:
            if type(value) not in _PLAIN and isinstance(value, _CONTAINERS):
                with_typed_arrays(value)
    return figure


def _room(longest_label: str, *, title: bool = True) -> int:
    """Pixels beside an axis for its tick labels (13 px: digits about 7.5 px wide, letters up to 9) and title."""
    width = 7.5 if longest_label.replace(",", "").isdigit() else 9
    return round(width * len(longest_label)) + (45 if title else 15)


def _count_room(values) -> int:
    """Room for a count axis: its largest tick label is about the largest value, with headroom."""
    top = max((int(v) for v in values), default=0)
    return _room(f"{round(top * HEADROOM):,}")


HEADROOM = 1.3  # a count axis reaches past its largest value: room for the event markers above the lines


def _count(value, fewer_than: int | None) -> str:
    """A count as a reader reads it: a rounded zero is '<5' (fewer than ``fewer_than``), never a bare 0."""
    return f"<{fewer_than}" if fewer_than and int(value) == 0 else f"{int(value):,}"


def _ints(values) -> list[int]:
    return [int(v) for v in values]


def _months(values) -> list[str]:
    return np.datetime_as_string(np.asarray(values, dtype="datetime64[D]")).tolist()  # 'YYYY-MM-DD'


@_builder
def empty_figure(message: str, *, title: str = "", source_line: str = "", narrow: bool = False) -> go.Figure:
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
    return _figure([], layout, title=title, source_line=source_line, narrow=narrow)


@_builder
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
    narrow: bool = False,
    fewer_than: int | None = None,
) -> go.Figure:
    """Monthly encounters, one line a nationality, with dated events as marked vertical lines.

    The event markers sit above the lines (the axis reaches ``HEADROOM`` times the largest month), the
    peak's label beside the peak, on the side with more room: the label never covers a marker.
    Where ``series`` has a ``plotted`` column (an index or a share, ``data.measures``), that is drawn and
    the hover gives the count beside it; ``scale`` "log" draws the y axis logarithmic (months of zero
    have no place on it and are left as gaps). ``fewer_than``: a source rounded to tens, whose zero is
    fewer than 5 (hovered as '<5'). One hover label a month lists every nationality ("x unified"; the
    month heads it), the event markers with their own text.
    """
    measured = E.plotted in series.columns
    column = E.plotted if measured else E.encounters
    data = []
    by_nationality = rows_by_nationality(series)
    names = [name for name, _ in by_nationality]
    month_of_row, count_of_row = series[E.month].to_numpy(), series[E.encounters].to_numpy()
    plotted_of_row = series[E.plotted].to_numpy() if measured else None
    for index, (nationality, rows) in enumerate(by_nationality):
        counts = count_of_row[rows].tolist()
        if measured:
            values = [None if np.isnan(v) else round(float(v), 2) for v in plotted_of_row[rows]]
            hover = f"{nationality}: %{{y:,.1f}} (%{{hovertext}} encounters)<extra></extra>"
        else:
            values = list(counts)
            hover = f"{nationality}: %{{hovertext}}<extra></extra>"
        if scale == "log":
            values = [v if v else None for v in values]
        data.append(
            {
                "type": "scatter",
                "x": _months(month_of_row[rows]),
                "y": values,
                "name": nationality,
                "mode": "lines+markers",
                "marker": {"size": 6 if index else 5, "symbol": SYMBOLS[index % len(SYMBOLS)]},
                "line": {"color": PALETTE[index % len(PALETTE)], "width": 2.5},
                "hovertemplate": hover,
                "hovertext": [_count(v, fewer_than) for v in counts],
                **({"customdata": list(counts)} if measured else {}),
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
                "y": [top * 1.16] * len(dates),
                "mode": "markers+text",
                "text": [str(i + 1) for i in range(len(dates))],
                "textposition": "top center",
                "marker": {"symbol": "diamond", "size": 10, "color": "#52606d"},
                "name": "Events",
                "showlegend": len(names) > 1,
                "customdata": [[e, s] for e, s in zip(events["event"], events["source"])],
                "hovertemplate": "%{x|%d %B %Y}<br>%{customdata[0]}<br><i>Source: %{customdata[1]}</i><extra></extra>",
            }
        )
    if peak and len(names) == 1 and not measured:
        months = pd.DatetimeIndex(series[E.month])
        late = len(months) and peak["month"] >= months.min() + (months.max() - months.min()) / 2
        annotations.append(
            {
                "x": f"{peak['month']:%Y-%m-%d}",
                # on a log axis Plotly places an annotation by the logarithm of its value
                "y": float(np.log10(peak["encounters"]))
                if scale == "log" and peak["encounters"] > 0
                else peak["encounters"],
                "text": f"Peak {peak['encounters']:,}<br>{peak['month']:%b %Y}",
                "showarrow": True,
                "arrowhead": 2,
                "ax": -60 if late else 60,  # level with the peak, below the markers: never on one
                "ay": 0,
                "xanchor": "right" if late else "left",
                "font": {"size": 12},
                "bgcolor": "rgba(255,255,255,0.8)",
            }
        )
    layout = {
        "hovermode": "x unified",
        "shapes": shapes,
        "annotations": annotations,
        "yaxis": {
            "title": {"text": y_title + (" (log scale)" if scale == "log" else "")},
            "tickformat": ",",
            **(
                {"type": "log"}
                if scale == "log"
                else {"rangemode": "tozero", **({"range": [0, top * HEADROOM]} if top > 0 else {})}
            ),
        },
        "xaxis": {
            "title": {"text": "Month"},
            "type": "date",
            "tickformat": "%b %Y",
            "hoverformat": "%B %Y",
            "ticklabeloverflow": "hide past div",  # a label at the right edge is dropped, not cut
            # on a phone one label a year ("2023"): "Jan 2023" labels would run into each other
            **({"tickformat": "%Y", "dtick": f"M{12 * _year_step(series[E.month])}", "tickangle": 0} if narrow else {}),
            # a window of a few months: one tick a month, each month once (Plotly would repeat labels)
            **(
                {"tickvals": sorted(set(_months(series[E.month]))), "dtick": None}
                if series[E.month].nunique() <= 3
                else {}
            ),
        },
    }
    return _figure(
        data,
        layout,
        title=title,
        source_line=source_line,
        subtitle=note,
        left=_count_room(series[column].fillna(0)),
        right=40 if narrow else 20,  # the last month's label, centred on its tick
        legend=names + (["Events"] if events is not None and len(events) else []) if len(names) > 1 else None,
        narrow=narrow,
    )


@_builder
def rise_figure(
    yearly: pd.DataFrame,
    *,
    basis: str,
    title: str,
    source_line: str,
    rise_years: tuple[int, int] | None,
    ratios: dict[str, float | None],
    narrow: bool = False,
    fewer_than: int | None = None,
) -> go.Figure:
    """Yearly totals side by side, the ratio between the two chosen years written on the chart; a total of
    zero from a source rounded to tens (``fewer_than``) is '<5 a month'."""
    months = months_by_year(yearly)
    gap = "<br>" if narrow else " "  # on a phone the months go under the year: the labels stay level
    labels = {
        year: year_label(year, basis) + ("" if count == 12 else f"{gap}({count} mo.)") for year, count in months.items()
    }
    ticks = _category_ticks(list(labels.values()), 4 if narrow else 12)
    by_nationality = rows_by_nationality(yearly)
    names = [name for name, _ in by_nationality]
    year_of_row, count_of_row = yearly["year"].to_numpy(), yearly["encounters"].to_numpy()
    months_of_row = yearly["months"].to_numpy()
    left = _count_room(yearly["encounters"])
    longest = max((max(len(f"{int(v):,}"), 6 if fewer_than and not v else 0) for v in yearly["encounters"]), default=1)
    written = _bar_labels(len(labels), len(names), longest, left, names if len(names) > 1 else None, narrow)
    data = []
    for index, (nationality, rows) in enumerate(by_nationality):
        counts = count_of_row[rows].tolist()
        data.append(
            {
                "type": "bar",
                "x": [labels[int(y)] for y in year_of_row[rows].tolist()],
                "y": counts,
                "name": nationality,
                "marker": {"color": PALETTE[index % len(PALETTE)]},
                **(
                    {
                        "text": [_count(v, fewer_than) + ("/mo." if fewer_than and not v else "") for v in counts],
                        "textposition": "outside",
                        "textangle": written,
                        "textfont": {"size": BAR_LABEL_SIZE},
                        "constraintext": "inside" if written else "both",
                        "cliponaxis": False,
                    }
                    if written is not None
                    else {}
                ),
                "customdata": months_of_row[rows].tolist(),
                "hovertext": [_count(v, fewer_than) + (" a month" if fewer_than and not v else "") for v in counts],
                "hovertemplate": f"{nationality}<br>%{{x}}: %{{hovertext}} (%{{customdata}} months)<extra></extra>",
            }
        )
    subtitle, annotations = "", []
    if rise_years:
        first, second = rise_years
        words = [f"{name} {change_words(ratio)}" for name, ratio in ratios.items()]  # a fall reads as one
        heading = change_title(ratios.values())
        subtitle = f"{heading} {year_label(first, basis)} to {year_label(second, basis)}: " + " · ".join(words)
        if len(ratios) == 1 and second in labels:
            annotations.append(
                {  # a category axis takes the category's index as its position
                    "x": list(labels).index(second),
                    "y": int(count_of_row[year_of_row == second].max()),
                    "yshift": 22 + (_label_length(longest) if written == -90 else 0),
                    "text": f"<b>{change_words(next(iter(ratios.values())))}</b>",
                    "showarrow": False,
                    "yanchor": "bottom",
                    "font": {"size": 20, "color": ACCENT},
                }
            )
    top = int(count_of_row.max()) if len(yearly) else 0
    # upright labels stand above their bars: the axis reaches far enough for the longest (and the ratio)
    above = _label_length(longest) + 8 + (48 if annotations else 0)
    upright = {"range": [0, top / (1 - above / RISE_PLOT_HEIGHT)]} if written == -90 and top > 0 else {}
    layout = {
        "barmode": "group",
        "uniformtext": {"minsize": BAR_LABEL_MIN, "mode": "hide"},
        "annotations": annotations,
        "yaxis": {"title": {"text": "Encounters per year"}, "tickformat": ",", "rangemode": "tozero", **upright},
        "xaxis": {
            "title": {"text": "Calendar year" if basis == "calendar" else "Fiscal year (Oct-Sep)"},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(labels.values()),
            "tickangle": ticks["angle"],
        },
    }
    return _figure(
        data,
        layout,
        title=title,
        source_line=source_line,
        subtitle=subtitle,
        plot_height=RISE_PLOT_HEIGHT,
        left=left,
        axis_room=ticks["room"],
        legend=names if len(names) > 1 else None,
        narrow=narrow,
    )


# A bar's number is written at 11 to 12 px or not at all (Plotly would shrink it to the bar's width, to 6 px
# with nine nationalities), else left to the hover. Level where it fits across its bar at the usual width of
# a chart of its kind (a 375 px phone's, 339 px; a wide screen's or an export, 1000 px): where a chart is
# drawn narrower, Plotly hides the numbers that would need less than 11 px (``uniformtext``) rather than
# shrink them. Upright where the bar is a line wide even at the narrowest width of its kind (a 320 px
# phone's 284 px; the page's narrowest wide card, 628 px): Plotly measures an upright number outside its
# bar as if it lay level, so it is not constrained (``constraintext``) but must fit by itself.
BAR_LABEL_SIZE, BAR_LABEL_MIN = 12, 11
DIGIT_WIDTH = 7.2  # px a digit (or comma) at 12 px, measured in Chromium with a margin
USUAL_WIDTH = {False: 1000, True: 339}
NARROWEST = {False: 628, True: 284}
RISE_PLOT_HEIGHT = 250


def _label_length(characters: int) -> int:
    return round(DIGIT_WIDTH * characters)


def _bar_labels(
    categories: int, traces: int, characters: int, left: int, legend: list[str] | None, narrow: bool
) -> int | None:
    """The angle of the bars' numbers (0 level, -90 upright), or None where a bar is too thin for them."""
    right = 20 + max(_legend_item_width(n) for n in legend) if legend and not narrow else 20

    def bar(width: int) -> float:  # Plotly's default gap between categories: 20%
        return (width - left - right) / max(1, categories) * 0.8 / max(1, traces)

    if bar(USUAL_WIDTH[narrow]) >= _label_length(characters) + 4:
        return 0
    if bar(NARROWEST[narrow]) >= BAR_LABEL_SIZE + 4:
        return -90
    return None


def _year_step(months) -> int:
    """Years between a phone's date ticks: at most four labels."""
    months = pd.DatetimeIndex(months)
    years = (months.max().year - months.min().year + 1) if len(months) else 1
    return max(1, -(-years // 4))


def _category_ticks(labels: list[str], level: int) -> dict:
    """Up to ``level`` category labels stand level (and take their lines' height); more stand upright,
    and take their length."""
    if len(labels) <= level:
        lines = max((label.count("<br>") + 1 for label in labels), default=1)
        return {"angle": 0, "room": AXIS_ROOM + 16 * (lines - 1)}
    longest = max((len(part) for label in labels for part in label.split("<br>")), default=4)
    return {"angle": -90, "room": AXIS_ROOM - 18 + round(7.5 * longest)}


@_builder
def peak_figure(
    monthly: pd.DataFrame,
    *,
    basis: str,
    title: str,
    source_line: str,
    peak: dict | None,
    narrow: bool = False,
    fewer_than: int | None = None,
) -> go.Figure:
    """Year-by-month heatmap, so a seasonal peak and a one-off look different; the peak cell is boxed.

    ``narrow`` (a phone): months down, years across, so that each cell is wide enough for its number
    (written in the cells for up to four years; hover for more)."""
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

    def cell(row: int, column: int) -> str:
        """'December 2023: 5,950' (on fiscal years 'December 2023 (FY2024): 5,950'), or '' for no month."""
        value, month, year = grid[row, column], order[column], year_values[row]
        if np.isnan(value):
            return ""
        in_year = year - 1 if basis == "fiscal" and month >= 10 else year
        named = f"{calendar.month_name[month]} {in_year}" + (
            f" ({year_label(year, basis)})" if basis == "fiscal" else ""
        )
        return f"{named}: {_count(value, fewer_than)}"

    hovers = [[cell(r, c) for c in range(12)] for r in range(len(year_values))]
    if narrow:
        grid = grid.T
        hovers = [list(row) for row in zip(*hovers)]
    z = [[None if np.isnan(v) else int(v) for v in row] for row in grid]
    written = not narrow or len(year_values) <= 4
    data = [
        {
            "type": "heatmap",
            "z": z,
            "x": labels if narrow else names,
            "y": names if narrow else labels,
            "colorscale": HEATMAP_SCALE,
            "showscale": False,  # every cell carries its number; a colour bar would only repeat them
            "text": [["" if v is None or not written else _count(v, fewer_than) for v in row] for row in z],
            "texttemplate": "%{text}",
            "hovertext": hovers,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "xgap": 2,
            "ygap": 2,
        }
    ]
    shapes, subtitle = [], ""
    if peak:
        month = peak["month"]
        x = order.index(month.month)
        y = year_values.index(month.year + (month.month >= 10 if basis == "fiscal" else 0))
        if narrow:
            x, y = y, x
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
    month_axis = {"title": {"text": "Month"}, "type": "category"}
    year_axis = {"title": {"text": "Calendar year" if basis == "calendar" else "Fiscal year"}, "type": "category"}
    across, down = (year_axis, month_axis) if narrow else (month_axis, year_axis)
    ticks = _category_ticks(labels if narrow else names, 6 if narrow else 12)
    layout = {
        "shapes": shapes,
        "xaxis": {**across, "showline": False, "tickangle": ticks["angle"]},
        "yaxis": {**down, "autorange": "reversed"},
    }
    return _figure(
        data,
        layout,
        title=title,
        source_line=source_line,
        subtitle=subtitle,
        plot_height=26 * 12 if narrow else max(220, 30 * len(year_values)),
        left=_room("Sep" if narrow else max(labels, key=len, default="")),
        axis_room=ticks["room"],
        narrow=narrow,
    )


@_builder
def top_figure(
    top: pd.DataFrame, *, highlight: tuple[str, ...], title: str, source_line: str, narrow: bool = False
) -> go.Figure:
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
        "xaxis": {
            "title": {"text": "Encounters in the window"},
            "tickformat": ",",
            "rangemode": "tozero",
            **({"nticks": 3, "tickangle": 0} if narrow else {}),
        },
        "yaxis": {"title": {"text": ""}, "type": "category", "tickmode": "linear", "ticklabelstandoff": 4},
    }
    return _figure(
        data,
        layout,
        title=title,
        source_line=source_line,
        plot_height=max(160, 10 + 26 * len(rows)),
        left=_room(max(labels, key=len, default=""), title=False),
        right=round(7.5 * len(f"{int(top[E.encounters].max()):,}")) + 20 if len(top) else 20,  # the value labels
        narrow=narrow,
    )


@_builder
def difference_figure(frame: pd.DataFrame, *, title: str, source_line: str, margin: int, narrow: bool = False) -> dict:
    """The two sources' difference (CBP minus OHSS) per month, one line a nationality, over a band of
    +-``margin``: what OHSS's rounding alone explains. ``frame``: nationality, month, ohss, cbp, difference
    (``data.compare.side_by_side``); the hover gives both figures."""
    names = list(dict.fromkeys(frame[E.nationality])) if len(frame) else []
    data = []
    for i, name in enumerate(names):
        rows = frame[frame[E.nationality] == name]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": _months(rows[E.month]),
                "y": _ints(rows["difference"]),
                "customdata": [[int(o), int(c)] for o, c in zip(rows["ohss"], rows["cbp"])],
                "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
                "marker": {"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 6},
                "hovertemplate": (
                    f"{name}<br>%{{x|%B %Y}}: CBP %{{customdata[1]:,}}, OHSS %{{customdata[0]:,}}"
                    "<br>difference %{y:+,}<extra></extra>"
                ),
            }
        )
    largest = max([margin, *(abs(int(d)) for d in frame["difference"])]) if len(frame) else margin
    layout = {
        "shapes": [
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": -margin,
                "y1": margin,
                "fillcolor": "#eef2f5",
                "line": {"width": 0},
                "layer": "below",
            }
        ],
        "xaxis": {"type": "date", "hoverformat": "%B %Y"},
        "yaxis": {
            "title": {"text": "CBP minus OHSS"},
            "range": [-largest * 1.3 - 1, largest * 1.3 + 1],
            "zeroline": True,
        },
    }
    return _figure(
        data,
        layout,
        title=title,
        subtitle=f"The grey band: within {margin} either way, what OHSS's rounding to the nearest 10 explains",
        source_line=source_line,
        plot_height=220,
        left=_room(f"-{largest * 2:,}"),
        legend=names,
        narrow=narrow,
    )


# ColorBrewer's YlOrRd, light to dark: more encounters, darker (written out: plotly.js's own "YlOrRd" runs
# the other way round from plotly.py's)
MAP_SCALE = [
    [i / 8, colour]
    for i, colour in enumerate(
        ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026")
    )
]
MAP_LAND = "#e4e7eb"  # a country the source names no encounters of


def _count_ticks(top: int) -> tuple[list[float], list[str]]:
    """The colour bar's ticks on a log scale: 1, 10, 100, 1k, ... up to the largest count."""
    values, labels, power = [], [], 0
    while 10**power <= max(top, 1):
        values.append(float(power))
        labels.append(f"{10**power:,}" if power < 3 else f"{10 ** (power - 3):,}k" if power < 6 else "1M")
        power += 1
    return values, labels


@_builder
def map_figure(
    counts: pd.DataFrame,
    *,
    title: str,
    source_line: str,
    selected: tuple[str, ...] = (),
    drawable: frozenset[str] | None = None,
    narrow: bool = False,
) -> dict:
    """Encounters by citizenship as a world choropleth (``analysis.by_citizenship``: nationality, iso3,
    encounters), coloured on a log scale with a colour bar saying what is counted; the ``selected``
    nationalities outlined. Names with no country ('Other', 'Unknown', a state gone) or with none on the
    base map (``drawable``: the codes it has) are listed under the map with their counts, never dropped.
    ``layout.meta.nationalities``: the selection, for the page's click handler (a click adds a country)."""
    named = counts[counts["iso3"].notna()]
    if drawable is not None:
        named = named[named["iso3"].isin(list(drawable))]
    shown = named[named[E.encounters] > 0]
    left_out = counts[~counts[E.nationality].isin(list(named[E.nationality])) & (counts[E.encounters] > 0)]
    top = int(shown[E.encounters].max()) if len(shown) else 1
    ticks, labels = _count_ticks(top)
    chosen = [n in selected for n in shown[E.nationality]]
    data = [
        {
            "type": "choropleth",
            "locationmode": "ISO-3",
            "locations": list(shown["iso3"]),
            "z": [round(float(np.log10(v)), 4) for v in shown[E.encounters]],
            "zmin": 0,
            "zmax": max(float(np.log10(top)), 1.0),
            "colorscale": MAP_SCALE,
            "customdata": [[n, int(v)] for n, v in zip(shown[E.nationality], shown[E.encounters])],
            "hovertemplate": "%{customdata[0]}: %{customdata[1]:,} encounters<extra></extra>",
            "marker": {
                "line": {
                    "color": [ACCENT if c else "white" for c in chosen],
                    "width": [2.5 if c else 0.5 for c in chosen],
                }
            },
            "colorbar": {
                "title": {"text": "Encounters<br>in the window<br>(log scale)", "side": "top", "font": {"size": 12}},
                "tickvals": ticks,
                "ticktext": labels,
                "thickness": 12,
                "len": 0.9,
                **({"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0, "xanchor": "left"} if narrow else {}),
            },
        }
    ]
    outlined = [n for n in selected if n in set(shown[E.nationality])]
    subtitle = f"Outlined: {', '.join(outlined)}" if outlined else ""
    not_drawn = [
        f"{n} {int(v):,}" + ("" if pd.isna(code) else " (no shape on the base map)")
        for n, code, v in zip(left_out[E.nationality], left_out["iso3"], left_out[E.encounters])
    ]
    note = _wrap("Not on the map: " + "; ".join(not_drawn) + ".", CHARS[narrow]["source"]) if not_drawn else ""
    plot_height = 240 if narrow else 430
    under = 10 + (60 if narrow else 0)  # a phone's colour bar stands under the map
    annotations = []
    if note:
        annotations.append(
            {
                "text": note,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -under,
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
                "align": "left",
                "font": {"size": 12},
            }
        )
        under += 6 + 16 * _lines(note)
    layout = {
        "geo": {
            "scope": "world",
            "resolution": 50,  # the 1:50m base map: the small island states too
            "projection": {"type": "natural earth"},
            "showframe": False,
            "showcoastlines": False,
            "showcountries": True,
            "countrycolor": "white",
            "countrywidth": 0.5,
            "showland": True,
            "landcolor": MAP_LAND,
            "showlakes": False,
            "lataxis": {"range": [-58, 85]},
            "bgcolor": "white",
        },
        "meta": {"nationalities": list(selected)},
        "annotations": annotations,
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "dragmode": False,
    }
    return _figure(
        data,
        layout,
        title=title,
        source_line=source_line,
        subtitle=subtitle,
        plot_height=plot_height,
        left=10,
        right=10 if narrow else 90,
        axis_room=under,
        narrow=narrow,
    )
