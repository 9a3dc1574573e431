"""The data layer: schema, import, storage and analysis. It never imports Dash."""
