"""Pure figure builders: data first, options after, a ``go.Figure`` out. No Dash, no I/O.

Every figure carries its title (with the year basis where years are shown) and its source line, so that
an exported image cites itself.
"""

from __future__ import annotations

import calendar

import pandas as pd
import plotly.graph_objects as go

from data.analysis import year_label
from data.schema import Encounters as E

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
MUTED = "#B8C2CC"
HEATMAP_SCALE = "Cividis"
FONT = dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=13, color="#1f2933")


def _wrap(text: str, width: int = 95) -> str:
    """Break a long source line into lines of at most ``width`` characters (Plotly does not wrap)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _frame(
    figure: go.Figure, *, title: str, source_line: str, subtitle: str = "", height: int = 440
) -> go.Figure:
    """Shared look: title (and subtitle), source line under the plot, readable fonts, room for all."""
    figure.update_layout(
        title=dict(
            text=_wrap(title, 80), subtitle=dict(text=subtitle, font=dict(size=14, color="#D55E00")),
            x=0, xref="paper", xanchor="left", font=dict(size=16),
        ),
        font=FONT,
        height=height,
        margin=dict(l=60, r=20, t=95, b=95),
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel=dict(font_size=13),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, xanchor="left"),
    )
    figure.add_annotation(
        text=_wrap(source_line),
        xref="paper", yref="paper", x=0, y=0, yshift=-52, xanchor="left", yanchor="top",
        showarrow=False, font=dict(size=11, color="#52606d"), align="left",
    )
    figure.update_xaxes(showline=True, linecolor="#9aa5b1", gridcolor="#eef2f5")
    figure.update_yaxes(gridcolor="#eef2f5", zerolinecolor="#9aa5b1")
    return figure


def empty_figure(message: str, *, title: str = "", source_line: str = "") -> go.Figure:
    """A clear empty state: the reason in words, no blank axes."""
    figure = _frame(go.Figure(), title=title, source_line=source_line)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.add_annotation(
        text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font=dict(size=15)
    )
    return figure


def trend_figure(
    series: pd.DataFrame,
    *,
    title: str,
    source_line: str,
    events: pd.DataFrame | None = None,
    peak: dict | None = None,
) -> go.Figure:
    """Monthly encounters, one line a nationality, with dated events as marked vertical lines."""
    figure = go.Figure()
    for index, (nationality, rows) in enumerate(series.groupby(E.nationality, sort=False)):
        figure.add_trace(
            go.Scatter(
                x=rows[E.month],
                y=rows[E.encounters],
                name=nationality,
                mode="lines+markers",
                marker=dict(size=5),
                line=dict(color=PALETTE[index % len(PALETTE)], width=2.5),
                hovertemplate=f"{nationality}<br>%{{x|%B %Y}}: %{{y:,}}<extra></extra>",
            )
        )
    top = float(series[E.encounters].max()) if len(series) else 0.0
    if events is not None and len(events):
        for date in events["date"]:
            figure.add_shape(
                type="line", x0=date, x1=date, xref="x", y0=0, y1=1, yref="paper",
                line=dict(color="#7b8794", width=1, dash="dot"),
            )
        figure.add_trace(
            go.Scatter(
                x=events["date"],
                y=[top * 1.08] * len(events),
                mode="markers+text",
                text=[str(i + 1) for i in range(len(events))],
                textposition="top center",
                marker=dict(symbol="diamond", size=10, color="#52606d"),
                name="Events",
                customdata=list(zip(events["event"], events["source"])),
                hovertemplate="%{x|%d %B %Y}<br>%{customdata[0]}<br><i>Source: %{customdata[1]}</i><extra></extra>",
            )
        )
    if peak and series[E.nationality].nunique() == 1:
        figure.add_annotation(
            x=peak["month"], y=peak["encounters"], text=f"Peak {peak['encounters']:,}<br>{peak['month']:%b %Y}",
            showarrow=True, arrowhead=2, ax=-50, ay=-30, font=dict(size=12), bgcolor="rgba(255,255,255,0.8)",
        )
    figure.update_yaxes(title_text="Encounters per month", tickformat=",", rangemode="tozero")
    figure.update_xaxes(title_text="Month", tickformat="%b %Y", hoverformat="%B %Y")
    return _frame(figure, title=title, source_line=source_line)


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
    figure = go.Figure()
    months = yearly.groupby("year")["months"].max()
    labels = {
        year: year_label(year, basis) + ("" if months[year] == 12 else f" ({months[year]} mo.)")
        for year in months.index
    }
    for index, (nationality, rows) in enumerate(yearly.groupby(E.nationality, sort=False)):
        figure.add_trace(
            go.Bar(
                x=[labels[y] for y in rows["year"]],
                y=rows["encounters"],
                name=nationality,
                marker_color=PALETTE[index % len(PALETTE)],
                text=[f"{v:,}" for v in rows["encounters"]],
                textposition="outside",
                cliponaxis=False,
                customdata=rows["months"],
                hovertemplate=f"{nationality}<br>%{{x}}: %{{y:,}} (%{{customdata}} months)<extra></extra>",
            )
        )
    subtitle = ""
    if rise_years:
        first, second = rise_years
        words = [f"{name} {_times(ratio)}" for name, ratio in ratios.items()]
        subtitle = f"Rise {year_label(first, basis)} to {year_label(second, basis)}: " + " · ".join(words)
        if len(ratios) == 1 and second in labels:
            position = list(labels).index(second)  # a category axis takes the category's index
            figure.add_annotation(
                x=position, y=yearly.loc[yearly["year"] == second, "encounters"].max(), yshift=22,
                text=f"<b>{_times(next(iter(ratios.values())))}</b>", showarrow=False, yanchor="bottom",
                font=dict(size=20, color="#D55E00"),
            )
    figure.update_layout(barmode="group", showlegend=yearly[E.nationality].nunique() > 1)
    figure.update_yaxes(title_text="Encounters per year", tickformat=",", rangemode="tozero")
    figure.update_xaxes(title_text="Calendar year" if basis == "calendar" else "Fiscal year (Oct-Sep)", type="category")
    return _frame(figure, title=title, source_line=source_line, subtitle=subtitle)


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
    frame = monthly.assign(
        year=monthly[E.month].dt.year + ((monthly[E.month].dt.month >= 10) if basis == "fiscal" else 0),
        column=monthly[E.month].dt.month.map({m: calendar.month_abbr[m] for m in order}),
    )
    grid = frame.pivot_table(index="year", columns="column", values=E.encounters, aggfunc="sum").reindex(
        columns=names
    )
    years = [year_label(y, basis) for y in grid.index]
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=names,
            y=years,
            colorscale=HEATMAP_SCALE,
            colorbar=dict(title=dict(text="Encounters"), tickformat=","),
            text=[[("" if pd.isna(v) else f"{int(v):,}") for v in row] for row in grid.to_numpy()],
            texttemplate="%{text}",
            hovertemplate="%{x} of %{y}: %{z:,}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    if peak:
        month = peak["month"]
        row = year_label(int(month.year + (month.month >= 10 if basis == "fiscal" else 0)), basis)
        column = calendar.month_abbr[month.month]
        x, y = names.index(column), years.index(row)
        figure.add_shape(
            type="rect", x0=x - 0.5, x1=x + 0.5, y0=y - 0.5, y1=y + 0.5, line=dict(color="#D55E00", width=3)
        )
        subtitle = f"Peak month (boxed): {peak['encounters']:,} in {month:%B %Y}"
    else:
        subtitle = ""
    figure.update_xaxes(title_text="Month", showline=False)
    figure.update_yaxes(
        title_text="Calendar year" if basis == "calendar" else "Fiscal year", autorange="reversed", type="category"
    )
    return _frame(figure, title=title, source_line=source_line, subtitle=subtitle)


def top_figure(top: pd.DataFrame, *, highlight: tuple[str, ...], title: str, source_line: str) -> go.Figure:
    """The nationalities with most encounters in the window, ranked; the selected ones in colour."""
    rows = top.iloc[::-1]
    colours = [PALETTE[0] if n in highlight else MUTED for n in rows[E.nationality]]
    labels = [f"{rank}. {name}" for rank, name in zip(rows["rank"], rows[E.nationality])]
    figure = go.Figure(
        go.Bar(
            x=rows[E.encounters],
            y=labels,
            orientation="h",
            marker_color=colours,
            text=[f"{v:,}" for v in rows[E.encounters]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    figure.update_xaxes(title_text="Encounters in the window", tickformat=",", rangemode="tozero")
    figure.update_yaxes(title_text="", type="category", tickmode="linear", automargin=True)
    figure = _frame(figure, title=title, source_line=source_line, height=max(360, 200 + 26 * len(rows)))
    return figure.update_layout(margin_r=90)  # room for the value labels outside the longest bar
