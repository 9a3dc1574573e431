"""The reader's first paint: the page of a view as plain HTML, in the first answer, before any script.

Dash answers a page with an empty shell and draws the layout once its scripts have loaded and a second
request has brought the layout. ``page_html(layout, narrow_figures)`` writes the same layout (the tree
``layout.build_layout`` returns) as static HTML, with the same elements and classes, so the stylesheet
lays it out exactly as it will lay out the interactive page: the story's sentence and headline numbers,
the notes, the captions and download links are the page's own. Each chart is a sketch drawn here from
its figure (``sketch``: an SVG of the plot's lines, bars and cells, with its titles, ticks and labels as
positioned text) in a box of the figure's height, once as laid out for a wide card and once for a narrow
one (a container query shows the one that the page's viewport rule would pick). The controls are drawn as
their values, in boxes of the controls' sizes.

``assets/first-paint.js`` removes this first paint in the frame where the interactive page, drawn hidden
in the same place, has every chart drawn at the same height: nothing moves. Without scripts, or while
Plotly loads or fails to, the first paint stays.

No browser is involved (the exported SVGs of ``images`` are Kaleido's, hundreds of milliseconds each): the
whole first paint of a view, eight sketches included, takes 10 to 20 ms (measured on the shared machine),
and is memoized per release and query with the page (``app``), so every link's first HTML is its own view.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from functools import lru_cache
from html import escape
from typing import Any

from plotly.colors import get_colorscale, hex_to_rgb

ROOT_ID = "first-paint"
SKIPPED = {"Location", "Store", "Download"}  # dcc components that draw nothing
BOOLEAN = {"open", "disabled", "checked", "hidden"}
ATTRIBUTES = {"className": "class", "htmlFor": "for"}
NOT_ATTRIBUTES = {"children", "id", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "key", "loading_state"}
VIEW = 1000  # the plot's SVG coordinates: 0 to VIEW across and down, stretched to the plot's box


# --- the page ----------------------------------------------------------------------------------


def page_html(layout, narrow_figures: dict[str, Any] | None = None) -> str:
    """The layout's static HTML, inside ``<div id="first-paint" class="fp">``.

    ``narrow_figures``: each chart's figure laid out for a phone, by chart id, drawn beside the wide one.
    """
    parts: list[str] = []
    _write(layout, parts, narrow_figures or {})
    return f'<div id="{ROOT_ID}" class="fp">{"".join(parts)}</div>'


def _write(node, out: list[str], narrow: dict) -> None:
    if node is None or node is False:
        return
    if isinstance(node, (str, int, float)):
        out.append(escape(str(node)))
        return
    if isinstance(node, (list, tuple)):
        for child in node:
            _write(child, out, narrow)
        return
    kind = type(node).__name__
    namespace = getattr(node, "_namespace", "")
    if kind in SKIPPED:
        return
    if namespace == "dash_core_components":
        out.append(_control(node, kind, narrow))
        return
    props = node.to_plotly_json()["props"]
    if kind == "Details" and "filters" in (props.get("className") or "").split():
        # The filters fold away on a phone once the page's script runs: here a box that CSS folds the same way.
        kind, props = "Div", {**props, "open": None}
    if kind == "Summary" and "filters-summary" in (props.get("className") or "").split():
        kind, props = "Div", {**props, "className": "filters-summary fp-summary"}
    tag = kind.lower()
    out.append(f"<{tag}{_attributes(props)}>")
    _write(props.get("children"), out, narrow)
    out.append(f"</{tag}>")


def _attributes(props: dict) -> str:
    text = []
    for name, value in props.items():
        if name in NOT_ATTRIBUTES or value is None or callable(value):
            continue
        attribute = ATTRIBUTES.get(name, name)
        if name == "style":
            value = _css(value)
            if not value:
                continue
        if attribute in BOOLEAN:
            if value:
                text.append(f" {attribute}")
            continue
        text.append(f' {attribute}="{escape(str(value))}"')
    return "".join(text)


def _css(style: dict) -> str:
    return ";".join(f"{re.sub(r'[A-Z]', lambda m: '-' + m.group().lower(), k)}:{v}" for k, v in style.items())


def _control(node, kind: str, narrow: dict) -> str:
    props = node.to_plotly_json()["props"]
    if kind == "Graph":
        figure = props["figure"]
        chart = props.get("id")
        wide = sketch(figure)
        small = sketch(narrow[chart]) if chart in narrow else wide
        label = escape(_plain(_title_text(figure)))
        return (
            f'<div class="dash-graph chart fp-graph" role="img" aria-label="{label}">'
            f'<div class="fp-wide">{wide}</div><div class="fp-narrow">{small}</div></div>'
        )
    options = {o["value"]: o["label"] for o in props.get("options") or [] if isinstance(o, dict)}
    value = props.get("value")
    values = value if isinstance(value, list) else ([] if value is None else [value])
    if kind == "Dropdown":
        shown = ", ".join(str(options.get(v, v)) for v in values)
        return f'<div class="fp-dropdown"><span>{escape(shown)}</span></div>'
    if kind in ("RadioItems", "Checklist"):
        box = "radio" if kind == "RadioItems" else "checkbox"
        items = "".join(
            f'<label class="fp-option"><input type="{box}" disabled{" checked" if v in values else ""}>'
            f"<span>{escape(str(label))}</span></label>"
            for v, label in options.items()
        )
        # laid out as dcc lays it out: in a row where it is ``inline``, and with its own class
        classes = " ".join(["fp-options", "fp-inline" if props.get("inline") else "", props.get("className") or ""])
        return f'<div class="{" ".join(classes.split())}">{items}</div>'
    return ""


# --- a chart -----------------------------------------------------------------------------------


def sketch(figure) -> str:
    """One figure drawn as HTML: a box of its height, the plot's marks in an SVG stretched over the plot
    area (its strokes keep their width), and every text (titles, ticks, labels, annotations, legend) as
    positioned spans, so that the sketch follows the card's width as the interactive chart does."""
    layout, data = _parts(figure)
    height = int(layout.get("height") or 450)
    margin = {"l": 80, "r": 80, "t": 100, "b": 80, **(layout.get("margin") or {})}
    plot = Plot(margin["l"], margin["r"], margin["t"], height - margin["t"] - margin["b"])
    xaxis, yaxis = (Axis(layout.get(name) or {}, data, letter) for name, letter in (("xaxis", "x"), ("yaxis", "y")))
    marks: list[str] = []
    texts: list[str] = []
    _title(layout, texts)
    if data:
        _grid(xaxis, yaxis, plot, marks, texts)
        bars = [t for t in data if t.get("type") == "bar"]
        for trace in data:
            kind = trace.get("type", "scatter")
            if kind == "scatter":
                _scatter(trace, xaxis, yaxis, plot, marks, texts)
            elif kind == "bar":
                _bar(trace, bars.index(trace), len(bars), xaxis, yaxis, plot, marks, texts)
            elif kind == "heatmap":
                _heatmap(trace, xaxis, yaxis, plot, marks, texts)
        for shape in layout.get("shapes") or []:
            _shape(shape, xaxis, yaxis, marks)
        if (layout.get("xaxis") or {}).get("showline"):
            marks.append(_line(0, VIEW, VIEW, VIEW, (layout["xaxis"].get("linecolor") or "#444"), 1))
    for note in layout.get("annotations") or []:
        _annotation(note, xaxis, yaxis, plot, texts)
    if layout.get("showlegend"):
        _legend(layout.get("legend") or {}, data, plot, texts)
    svg = (
        f'<div class="fp-plot" style="{plot.box()}"><svg viewBox="0 0 {VIEW} {VIEW}" preserveAspectRatio="none" '
        f'aria-hidden="true">{"".join(marks)}</svg></div>'
    )
    return f'<div class="fp-chart" style="height:{height}px">{svg}{"".join(texts)}</div>'


class Plot:
    """The plot area: ``left`` and ``right`` margins in px (its width is the card's less them), ``top``
    and ``height`` in px. Positions inside it are fractions, 0 to 1, from its left and top."""

    def __init__(self, left: float, right: float, top: float, height: float):
        self.left, self.right, self.top, self.height = left, right, top, max(height, 1)

    def box(self) -> str:
        return f"left:{self.left}px;right:{self.right}px;top:{self.top}px;height:{self.height}px"

    def x(self, fraction: float, shift: float = 0) -> str:
        """CSS ``left`` of a point ``fraction`` across the plot, ``shift`` px further right."""
        return f"calc({self.left + shift:g}px + {fraction:.4f} * (100% - {self.left + self.right:g}px))"

    def y(self, fraction: float, shift: float = 0) -> str:
        return f"{self.top + fraction * self.height + shift:.1f}px"


class Axis:
    """Where an axis puts a value, as a fraction of the plot from its start (left, or bottom for y)."""

    def __init__(self, layout: dict, data: list[dict], letter: str):
        self.layout, self.letter = layout, letter
        values = [v for t in data for v in _values(t, letter)]
        kind = layout.get("type")
        if not kind or kind == "-":
            sample = next((v for v in values if v is not None), None)
            kind = "category" if isinstance(sample, str) and not _is_date(sample) else "linear"
            kind = "date" if isinstance(sample, str) and _is_date(sample) else kind
        self.kind = kind
        self.reversed = layout.get("autorange") == "reversed"
        if kind == "category":
            order = list(layout.get("categoryarray") or [])
            for v in values:
                if v is not None and v not in order:
                    order.append(v)
            self.categories = order
            self.low, self.high = -0.5, len(order) - 0.5
            return
        numbers = [self.number(v) for v in values if v is not None]
        numbers = [n for n in numbers if n is not None and math.isfinite(n)]
        explicit = layout.get("range")
        if explicit and len(explicit) == 2 and None not in explicit:
            low, high = (self.number(v) for v in explicit)
            if kind == "log":  # Plotly gives a log axis's range in powers of ten
                low, high = explicit
        elif not numbers:
            low, high = 0.0, 1.0
        else:
            low, high = min(numbers), max(numbers)
            if kind == "log":
                positives = [n for n in numbers if n > 0] or [1]
                low, high = math.log10(min(positives)), math.log10(max(positives))
            pad = (high - low) * 0.05 or 1
            bars = [t for t in data if t.get("type") == "bar"]
            if layout.get("rangemode") == "tozero" or (bars and kind != "date"):
                low = min(low, 0)
                # room for the labels over vertical bars ("outside"), as Plotly leaves it
                labelled = any(t.get("textposition") == "outside" and t.get("orientation") != "h" for t in bars)
                high = high + pad * (5 if labelled and letter == "y" else 1)
            else:
                low, high = low - pad, high + pad
        self.low, self.high = float(low), float(high) if high != low else float(low) + 1

    def number(self, value) -> float | None:
        if self.kind == "date":
            return _date_number(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            return None

    def fraction(self, value) -> float | None:
        """0 at the axis's start, 1 at its end (None: off the axis or not a value)."""
        if value is None:
            return None
        if self.kind == "category":
            position = self.categories.index(value) if value in self.categories else self.number(value)
        else:
            position = self.number(value)
            if self.kind == "log":
                position = math.log10(position) if position and position > 0 else None
        if position is None:
            return None
        share = (position - self.low) / (self.high - self.low)
        return 1 - share if self.reversed else share

    def width(self) -> float:
        """One category's share of the axis (a unit for linear axes)."""
        return 1 / (self.high - self.low)

    def ticks(self, length_px: float) -> list[tuple[float, str]]:
        """(fraction, label) of the axis's ticks."""
        layout = self.layout
        if layout.get("tickvals") is not None:
            labels = layout.get("ticktext") or [str(v) for v in layout["tickvals"]]
            pairs = zip(layout["tickvals"], labels)
        elif self.kind == "category":
            step = 1
            if layout.get("nticks"):
                step = max(1, math.ceil(len(self.categories) / layout["nticks"]))
            pairs = [(c, c) for c in self.categories[::step]]
        elif self.kind == "date":
            pairs = _date_ticks(self.low, self.high, layout, length_px)
        elif self.kind == "log":
            pairs = [(10**p, _number_text(10**p, ",")) for p in range(math.floor(self.low), math.ceil(self.high) + 1)]
        else:
            spacing = 80 if self.letter == "x" else 45
            count = layout.get("nticks") or max(2, int(length_px / spacing))
            step = _nice_step((self.high - self.low) / count)
            first = math.ceil(self.low / step) * step
            values = [first + i * step for i in range(int((self.high - first) / step) + 1)]
            pairs = [(v, _number_text(v, layout.get("tickformat"))) for v in values]
        ticks = []
        for value, label in pairs:
            fraction = self.fraction(value)
            if fraction is not None and -0.001 <= fraction <= 1.001:
                ticks.append((fraction, str(label)))
        return ticks


def _values(trace: dict, letter: str) -> list:
    values = trace.get(letter)
    if values is None:
        return []
    if trace.get("type") == "heatmap" or not isinstance(values, (list, tuple)):
        return list(values) if isinstance(values, (list, tuple)) else []
    return list(values)


DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?")


def _is_date(text: str) -> bool:
    return bool(DATE.match(text))


def _date_number(value) -> float | None:
    """Days since 1970 of a date string (or date)."""
    if isinstance(value, datetime):
        return (value - datetime(1970, 1, 1)).total_seconds() / 86400
    if isinstance(value, date):
        return float(value.toordinal() - EPOCH)
    return _day(str(value)[:10])


EPOCH = date(1970, 1, 1).toordinal()


@lru_cache(maxsize=4096)
def _day(text: str) -> float | None:
    try:
        return float(date.fromisoformat(text if len(text) == 10 else text[:7] + "-01").toordinal() - EPOCH)
    except ValueError:
        return None


def _date_ticks(low: float, high: float, layout: dict, length_px: float) -> list[tuple[str, str]]:
    start = datetime(1970, 1, 1).toordinal() + int(low)
    end = datetime(1970, 1, 1).toordinal() + int(high)
    first, last = date.fromordinal(start), date.fromordinal(end)
    months_span = (last.year - first.year) * 12 + last.month - first.month
    dtick = str(layout.get("dtick") or "")
    if dtick.startswith("M"):
        step = int(dtick[1:])
    else:
        room = max(1, int(length_px / 90))  # about one label a 90 px
        step = next((s for s in (1, 2, 3, 6, 12, 24, 60, 120) if months_span / s <= room), 240)
    form = layout.get("tickformat") or ("%Y" if step >= 12 else "%b %Y")
    ticks = []
    year, month = first.year, 1
    if step < 12:
        month = first.month
        month = month + (-(month - 1) % step)
        year += (month - 1) // 12
        month = (month - 1) % 12 + 1
    while (year, month) <= (last.year, last.month):
        moment = date(year, month, 1)
        if moment >= first:
            ticks.append((moment.isoformat(), moment.strftime(form)))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return ticks


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _number_text(value: float, form: str | None) -> str:
    if abs(value - round(value)) < 1e-9:
        value = round(value)
    if form == "," or form is None:
        return f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"
    if form.endswith("%"):
        return f"{value * 100:.0f}%"
    return f"{value:,}"


# --- the drawing ---------------------------------------------------------------------------------


def _line(x0, y0, x1, y1, color, width, dash: str | None = None) -> str:
    pattern = {"dot": ' stroke-dasharray="2 3"', "dash": ' stroke-dasharray="6 4"'}.get(dash or "", "")
    return (
        f'<path d="M{x0:.1f} {y0:.1f}L{x1:.1f} {y1:.1f}" stroke="{escape(str(color))}" stroke-width="{width}"'
        f'{pattern} fill="none" vector-effect="non-scaling-stroke"/>'
    )


def _text(
    content: str, left: str, top: str, *, anchor: str = "left", valign: str = "top", size=13, color=None, style=""
) -> str:
    shift_x = {"left": "0", "center": "-50%", "right": "-100%"}[anchor]
    shift_y = {"top": "0", "middle": "-50%", "bottom": "-100%"}[valign]
    css = f"left:{left};top:{top};font-size:{size}px;text-align:{anchor};transform:translate({shift_x},{shift_y})"
    css += f";color:{color}" if color else ""
    return f'<span class="fp-text" style="{css}{style}">{_rich(content)}</span>'


def _rich(text: str) -> str:
    """Plotly's text markup, of which only <br>, <b> and <i> are kept; the rest is escaped."""
    safe = escape(str(text))
    return re.sub(r"&lt;(/?)(br|b|i)\s*/?&gt;", r"<\1\2>", safe, flags=re.I)


def _plain(text: str) -> str:
    return re.sub(r"<[^>]*>", " ", str(text)).replace("  ", " ").strip()


def _parts(figure) -> tuple[dict, list[dict]]:
    """A figure's layout and traces as plain dicts, read, never changed. A ``go.Figure`` holds them as such
    (``_layout``, ``_data``); ``to_plotly_json`` would deep-copy them, which takes longer than the sketch."""
    if isinstance(figure, dict):
        return figure.get("layout") or {}, figure.get("data") or []
    return figure._layout, figure._data  # noqa: SLF001 - read only


def _title_text(figure) -> str:
    layout, _ = _parts(figure)
    title = layout.get("title") or {}
    return title.get("text", "") if isinstance(title, dict) else str(title)


def _title(layout: dict, texts: list[str]) -> None:
    title = layout.get("title") or {}
    if isinstance(title, str):
        title = {"text": title}
    text = title.get("text") or ""
    if not text:
        return
    lines = text.count("<br>") + 1
    size = (title.get("font") or {}).get("size", 17)
    pad = title.get("pad") or {}
    top = 4.0  # Plotly sets a title of several lines as high as a title of one
    texts.append(_text(text, f"{pad.get('l', 0)}px", f"{top}px", size=size, style=";line-height:21px"))
    subtitle = title.get("subtitle") or {}
    if subtitle.get("text"):
        font = subtitle.get("font") or {}
        texts.append(
            _text(
                subtitle["text"],
                f"{pad.get('l', 0)}px",
                f"{top + 21 * lines + 14}px",
                size=font.get("size", 14),
                color=font.get("color"),
                style=";line-height:18px",
            )
        )


def _grid(xaxis: Axis, yaxis: Axis, plot: Plot, marks: list[str], texts: list[str]) -> None:
    width_guess = 900  # px across, for the number of x ticks: the page's wide cards are 640 to 1050
    for axis, letter in ((xaxis, "x"), (yaxis, "y")):
        length = plot.height if letter == "y" else width_guess - plot.left - plot.right
        grid = axis.layout.get("gridcolor", "#eee")
        show_grid = axis.layout.get("showgrid", axis.kind != "category")
        for fraction, label in axis.ticks(length):
            if letter == "x":
                if show_grid:
                    marks.append(_line(fraction * VIEW, 0, fraction * VIEW, VIEW, grid, 1))
                texts.append(_text(label, plot.x(fraction), plot.y(1, 6), anchor="center"))
            else:
                position = 1 - fraction
                if show_grid:
                    marks.append(_line(0, position * VIEW, VIEW, position * VIEW, grid, 1))
                texts.append(_text(label, plot.x(0, -6), plot.y(position), anchor="right", valign="middle"))
        title = (axis.layout.get("title") or {}).get("text") if isinstance(axis.layout.get("title"), dict) else None
        if title:
            if letter == "x":
                texts.append(_text(title, plot.x(0.5), plot.y(1, 28), anchor="center", size=15))
            else:
                texts.append(
                    _text(
                        title,
                        f"{max(plot.left - 62, 2)}px",
                        plot.y(0.5),
                        anchor="center",
                        valign="middle",
                        size=15,
                        style=";writing-mode:vertical-rl;transform:translate(-50%,-50%) rotate(180deg)",
                    )
                )


def _color(trace: dict, index: int = 0, default: str = "#1f77b4") -> str:
    marker = trace.get("marker") or {}
    color = (trace.get("line") or {}).get("color") or marker.get("color") or default
    if isinstance(color, (list, tuple)):
        color = color[index] if index < len(color) else default
    return str(color)


def _scatter(trace: dict, xaxis: Axis, yaxis: Axis, plot: Plot, marks: list[str], texts: list[str]) -> None:
    mode = trace.get("mode") or "lines+markers"
    xs, ys = list(trace.get("x") or []), list(trace.get("y") or [])
    points = [(xaxis.fraction(x), yaxis.fraction(y)) for x, y in zip(xs, ys)]
    color = _color(trace)
    if "lines" in mode:
        path, pen = [], "M"
        for fx, fy in points:
            if fx is None or fy is None:
                pen = "M"
                continue
            path.append(f"{pen}{fx * VIEW:.1f} {(1 - fy) * VIEW:.1f}")
            pen = "L"
        width = (trace.get("line") or {}).get("width", 2)
        marks.append(
            f'<path d="{"".join(path)}" stroke="{escape(color)}" stroke-width="{width}" fill="none" '
            'stroke-linejoin="round" vector-effect="non-scaling-stroke"/>'
        )
    marker = trace.get("marker") or {}
    if "markers" in mode:
        size = marker.get("size", 6)
        size = size if isinstance(size, (int, float)) else 6
        dots = "".join(
            f"M{fx * VIEW:.1f} {(1 - fy) * VIEW:.1f}h0" for fx, fy in points if fx is not None and fy is not None
        )
        dot_color = marker.get("color") if isinstance(marker.get("color"), str) else color
        cap = "square" if marker.get("symbol") == "diamond" else "round"
        marks.append(
            f'<path d="{dots}" stroke="{escape(str(dot_color))}" stroke-width="{size}" stroke-linecap="{cap}" '
            'fill="none" vector-effect="non-scaling-stroke"/>'
        )
    if "text" in mode and trace.get("text") is not None:
        labels = trace["text"] if isinstance(trace["text"], (list, tuple)) else [trace["text"]] * len(points)
        for (fx, fy), label in zip(points, labels):
            if fx is not None and fy is not None and label:
                texts.append(_text(label, plot.x(fx), plot.y(1 - fy, -7), anchor="center", valign="bottom", size=12))


def _bar(trace: dict, index: int, count: int, xaxis: Axis, yaxis: Axis, plot, marks, texts) -> None:
    horizontal = trace.get("orientation") == "h"
    categories, lengths = (trace.get("y"), trace.get("x")) if horizontal else (trace.get("x"), trace.get("y"))
    along, across = (yaxis, xaxis) if horizontal else (xaxis, yaxis)
    slot = 0.8 * along.width() / max(count, 1)  # Plotly's default gap of 0.2 between categories
    labels = trace.get("text")
    labels = labels if isinstance(labels, (list, tuple)) else [labels] * len(categories or [])
    base = across.fraction(0) or 0
    for i, (category, length) in enumerate(zip(categories or [], lengths or [])):
        centre, end = along.fraction(category), across.fraction(length)
        if centre is None or end is None:
            continue
        start = centre - 0.4 * along.width() + slot * index
        color = escape(_color({"marker": trace.get("marker")}, i))
        if horizontal:
            top, bottom = 1 - (start + slot), 1 - start
            x0, x1 = sorted((base, end))
            marks.append(
                f'<rect x="{x0 * VIEW:.1f}" y="{min(top, bottom) * VIEW:.1f}" width="{(x1 - x0) * VIEW:.1f}" '
                f'height="{abs(bottom - top) * VIEW:.1f}" fill="{color}"/>'
            )
            if labels[i] and trace.get("textposition") == "outside":
                texts.append(_text(labels[i], plot.x(x1, 4), plot.y((top + bottom) / 2), valign="middle", size=12))
        else:
            y0, y1 = sorted((base, end))
            marks.append(
                f'<rect x="{start * VIEW:.1f}" y="{(1 - y1) * VIEW:.1f}" width="{slot * VIEW:.1f}" '
                f'height="{(y1 - y0) * VIEW:.1f}" fill="{color}"/>'
            )
            if labels[i] and trace.get("textposition") == "outside":
                texts.append(
                    _text(labels[i], plot.x(start + slot / 2), plot.y(1 - y1, -3), anchor="center", valign="bottom")
                )


def _heatmap(trace: dict, xaxis: Axis, yaxis: Axis, plot: Plot, marks: list[str], texts: list[str]) -> None:
    z = trace.get("z") or []
    flat = [v for row in z for v in row if v is not None]
    if not flat:
        return
    low, high = min(flat), max(flat)
    scale = _scale(trace.get("colorscale") or "Viridis")
    labels = trace.get("text")
    cell_w, cell_h = xaxis.width(), yaxis.width()
    for r, (row, y) in enumerate(zip(z, trace.get("y") or range(len(z)))):
        for c, (value, x) in enumerate(zip(row, trace.get("x") or range(len(row)))):
            if value is None:
                continue
            fx, fy = xaxis.fraction(x), yaxis.fraction(y)
            share = (value - low) / (high - low) if high > low else 0.5
            color = _sample(scale, share)
            marks.append(
                f'<rect x="{(fx - cell_w / 2) * VIEW:.1f}" y="{(1 - fy - cell_h / 2) * VIEW:.1f}" '
                f'width="{cell_w * VIEW:.1f}" height="{cell_h * VIEW:.1f}" fill="{color}" stroke="white" '
                f'stroke-width="{trace.get("xgap", 0)}" vector-effect="non-scaling-stroke"/>'
            )
            label = labels[r][c] if labels and r < len(labels) and c < len(labels[r]) else None
            if label:
                ink = "#1f2933" if _light(color) else "white"
                texts.append(_text(label, plot.x(fx), plot.y(1 - fy), anchor="center", valign="middle", color=ink))


def _scale(colorscale) -> tuple[tuple[float, tuple[float, ...]], ...]:
    """A colorscale (a name or Plotly's [[position, color], ...]) as (position, (r, g, b)) stops."""
    key = colorscale if isinstance(colorscale, str) else tuple(map(tuple, colorscale))
    return _stops(key)


@lru_cache(maxsize=32)
def _stops(key) -> tuple[tuple[float, tuple[float, ...]], ...]:
    stops = get_colorscale(key) if isinstance(key, str) else [list(stop) for stop in key]
    parsed = []
    for position, color in stops:
        if color.startswith("#"):
            rgb = hex_to_rgb(color)
        else:
            rgb = tuple(float(n) for n in re.findall(r"[\d.]+", color)[:3])
        parsed.append((float(position), tuple(float(c) for c in rgb)))
    return tuple(parsed)


def _sample(stops, share: float) -> str:
    share = min(max(share, 0.0), 1.0)
    for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
        if share <= p1:
            t = (share - p0) / (p1 - p0) if p1 > p0 else 0
            return "rgb({},{},{})".format(*(round(a + (b - a) * t) for a, b in zip(c0, c1)))
    return "rgb({},{},{})".format(*(round(c) for c in stops[-1][1]))


def _light(color: str) -> bool:
    numbers = [float(n) for n in re.findall(r"[\d.]+", color)[:3]] if color.startswith("rgb") else None
    if color.startswith("#") and len(color) == 7:
        numbers = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    if not numbers:
        return True
    red, green, blue = numbers
    return 0.299 * red + 0.587 * green + 0.114 * blue > 140


def _shape(shape: dict, xaxis: Axis, yaxis: Axis, marks: list[str]) -> None:
    def across(value, ref, axis):
        return float(value) if ref == "paper" else axis.fraction(value)

    x0 = across(shape.get("x0"), shape.get("xref", "x"), xaxis)
    x1 = across(shape.get("x1"), shape.get("xref", "x"), xaxis)
    y0 = across(shape.get("y0"), shape.get("yref", "y"), yaxis)
    y1 = across(shape.get("y1"), shape.get("yref", "y"), yaxis)
    if None in (x0, x1, y0, y1):
        return
    line = shape.get("line") or {}
    color, width = line.get("color", "#444"), line.get("width", 2)
    if shape.get("type") == "line":
        marks.append(_line(x0 * VIEW, (1 - y0) * VIEW, x1 * VIEW, (1 - y1) * VIEW, color, width, line.get("dash")))
    elif shape.get("type") == "rect":
        left, right = sorted((x0, x1))
        top, bottom = sorted((1 - y0, 1 - y1))
        marks.append(
            f'<rect x="{left * VIEW:.1f}" y="{top * VIEW:.1f}" width="{(right - left) * VIEW:.1f}" '
            f'height="{(bottom - top) * VIEW:.1f}" fill="none" stroke="{escape(str(color))}" stroke-width="{width}" '
            'vector-effect="non-scaling-stroke"/>'
        )


def _annotation(note: dict, xaxis: Axis, yaxis: Axis, plot: Plot, texts: list[str]) -> None:
    text = note.get("text")
    if not text:
        return
    fx = float(note.get("x", 0)) if note.get("xref") == "paper" else xaxis.fraction(note.get("x"))
    fy = float(note.get("y", 0)) if note.get("yref") == "paper" else yaxis.fraction(note.get("y"))
    if fx is None or fy is None:
        return
    shift_x, shift_y = note.get("xshift", 0), -note.get("yshift", 0)
    anchor = note.get("xanchor", "auto")
    valign = note.get("yanchor", "auto")
    if note.get("showarrow", True):
        shift_x += note.get("ax", -10)
        shift_y += note.get("ay", -30)
    anchor = "center" if anchor == "auto" else anchor
    valign = {"auto": "middle", "top": "top", "bottom": "bottom", "middle": "middle"}.get(valign, "middle")
    font = note.get("font") or {}
    style = f";background:{note['bgcolor']}" if note.get("bgcolor") else ""
    texts.append(
        _text(
            text,
            plot.x(fx, shift_x),
            plot.y(1 - fy, shift_y),
            anchor=anchor,
            valign=valign,
            size=font.get("size", 13),
            color=font.get("color"),
            style=style + f";text-align:{note.get('align', 'center')}",
        )
    )


def _legend(legend: dict, data: list[dict], plot: Plot, texts: list[str]) -> None:
    items = [t for t in data if t.get("showlegend", True) and t.get("name")]
    if not items:
        return
    entries = "".join(
        f'<span class="fp-legend-item"><i style="background:{escape(_color(t))}"></i>{escape(str(t["name"]))}</span>'
        for t in items
    )
    x, y = float(legend.get("x", 1.02)), float(legend.get("y", 1))
    left = plot.x(x, 10 if x >= 1 else 0)
    texts.append(f'<span class="fp-legend" style="left:{left};top:{plot.y(1 - y)}">{entries}</span>')
