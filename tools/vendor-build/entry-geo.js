'use strict';
// plotly.js for the world map only: choropleth (with its geo subplot), loaded by page.js when the map is
// opened, as a plotly.js of its own (window.PlotlyGeo) beside the page's bundle (window.Plotly).
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/choropleth')]);

module.exports = Plotly;
