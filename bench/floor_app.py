"""The floor of any Dash page on this machine: a bare page of three small charts, nothing computed."""

import sys

from dash import Dash, dcc, html

app = Dash(__name__)
app.layout = html.Div(
    [
        dcc.Graph(id=f"floor-{i}", figure={"data": [{"type": kind, "x": [1, 2, 3], "y": [3, 1, 2]}]})
        for i, kind in enumerate(("scatter", "bar", "scatter"))
    ]
)
server = app.server

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
