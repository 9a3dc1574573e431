// The page's tabs (the `tab` control; components/layout.py, components/panels.py). The panel of the tab
// in the selection is shown; a panel other than the chart's is drawn by its server callback, which its
// gate feeds only while the tab is shown. dash-ag-grid's script (1.3 MB) is not in the page
// (components/serving.py names it in a meta tag instead): it is loaded when a tab with a grid opens
// (``gates``, called by page.js's follow_selection).
(function () {
    var GRID_TABS = ["table", "sources"];

    function tabOf(query) {
        if (typeof query !== "string") {
            return "chart";
        }
        return new URLSearchParams(query.replace(/^\?/, "")).get("tab") || "chart";
    }

    var loading = null;
    function loadGrid() {
        if (window.dash_ag_grid) {
            return Promise.resolve(true);
        }
        if (loading) {
            return loading;
        }
        var meta = document.querySelector('meta[name="border-grid-script"]');
        if (!meta) {
            return Promise.resolve(false);
        }
        loading = new Promise(function (resolve) {
            var script = document.createElement("script");
            script.src = meta.getAttribute("content");
            script.onload = function () { resolve(true); };
            script.onerror = function () { loading = null; resolve(false); };
            document.body.appendChild(script);
        });
        return loading;
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        border_tabs: {
            show_panels: function (query) {
                var tab = tabOf(query);
                var panelIds = Array.prototype.slice.call(arguments, 1);
                return panelIds.map(function (id) { return id !== "panel-" + tab; });
            },
            // What each panel's gate passes to the panel's callback: the selection, while the panel's tab is
            // shown and the selection is not the one passed already (else no update). A tab with a grid
            // waits for dash-ag-grid's script: a Promise while it loads, nothing passed if it fails.
            gates: function (query, panelIds, passed) {
                var no_update = window.dash_clientside.no_update;
                var tab = tabOf(query);
                function pass() {
                    return panelIds.map(function (id, i) {
                        return id === "panel-" + tab && query !== passed[i] ? query : no_update;
                    });
                }
                var shown = panelIds.indexOf("panel-" + tab) >= 0;
                if (!shown || GRID_TABS.indexOf(tab) < 0 || window.dash_ag_grid) {
                    return pass();
                }
                return loadGrid().then(function (loaded) {
                    return loaded ? pass() : panelIds.map(function () { return no_update; });
                });
            }
        }
    });

    // The grids' cells: a month published as 0 by a rounding source reads '<5' (fewer than 5); every
    // count with thousands separators. Totals (the pinned rows) are written as they are.
    window.dashAgGridFunctions = Object.assign({}, window.dashAgGridFunctions, {
        borderCount: function (params, rounded) {
            var value = params.value;
            if (value === null || value === undefined || value === "") {
                return "";
            }
            if (typeof value !== "number") {
                return String(value);
            }
            if (rounded && value === 0 && !(params.node && params.node.rowPinned)) {
                return "<5";
            }
            return value.toLocaleString("en-US");
        }
    });
})();
