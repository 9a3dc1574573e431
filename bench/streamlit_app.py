"""The benchmark's Streamlit page: one chart of the same series as the dashboard's default link (China at
the Southwest Land Border, monthly, Jan 2022 to Nov 2024) and its 2023 total, written the way a typical
Streamlit page is: read the table, filter it with pandas, one Plotly chart.

Run by ``bench/run.py`` in a virtual environment of its own (``bench/.streamlit-venv``, created on first
use with the pinned ``STREAMLIT`` of run.py), so Streamlit and its pins never enter the project's:
    streamlit run bench/streamlit_app.py --server.port 8502 --server.headless true
"""

from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

TABLE = Path(__file__).resolve().parents[1] / "data" / "dataset" / "ohss-usbp.csv.gz"


@st.cache_data
def series() -> pd.DataFrame:
    table = pd.read_csv(TABLE, keep_default_na=False)
    chosen = table[
        (table["period"] == "month")
        & (table["nationality"] == "China")
        & (table["region"] == "Southwest Land Border")
        & (table["sector"] == "All")
        & (table["demographic"] == "All")
        & (table["month"] >= "2022-01")
        & (table["month"] <= "2024-11")
    ]
    monthly = chosen.groupby("month", as_index=False)["encounters"].sum()
    monthly["month"] = pd.to_datetime(monthly["month"], format="%Y-%m")
    return monthly


st.title("U.S. border encounters")
monthly = series()
total_2023 = int(monthly.loc[monthly["month"].dt.year == 2023, "encounters"].sum())
st.metric("2023 total", f"{total_2023:,}")
st.plotly_chart(
    px.line(monthly, x="month", y="encounters", markers=True, title="Monthly encounters: China - Southwest Land Border")
)
