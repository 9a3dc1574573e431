// The page's dropdowns are drawn with their chosen options only, so that the first view is not held up
// while Dash's dropdown indexes hundreds of options for its search box. This fills in their full lists
// once every chart on the page is drawn, or after two seconds, whichever comes first. The store
// (components/layout.py) names the callback's outputs in order (`ids`), each dropdown's list by id
// (`lists`) and the ids whose lists follow the address (`follow_url`).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    border: {
        // The address bar shows what the page shows: a link that was corrected (an unknown value that
        // fell back, a name typed in lower case) is replaced by the canonical one, in place.
        show_address: function (canonical) {
            if (typeof canonical === "string" && window.location.search !== canonical) {
                window.history.replaceState(window.history.state, "", canonical + window.location.hash);
            }
            return canonical;
        },
        // The tab's title names the view (the server wrote it for the first page; this follows changes).
        show_title: function (title) {
            if (typeof title === "string" && title && document.title !== title) {
                document.title = title;
            }
            return title;
        },
        fill_dropdowns: function (stored) {
            var no_update = window.dash_clientside.no_update;
            if (!stored) {
                throw window.dash_clientside.PreventUpdate;  // the page came with its full lists
            }
            function chartsDrawn() {
                // Plotly gives each chart several .main-svg layers: ask each chart, not count them.
                var charts = Array.prototype.slice.call(document.querySelectorAll(".dash-graph"));
                return charts.length > 0 && charts.every(function (chart) {
                    return chart.querySelector(".js-plotly-plot .main-svg") !== null;
                });
            }
            function lists() {
                // If the reader has already moved to another address, the URL callback has sent the
                // lists that follow it; only the fixed ones (source, months) are left to fill.
                var here = window.location.search;
                var moved = here !== stored.search && here !== stored.canonical;
                return stored.ids.map(function (id) {
                    return moved && stored.follow_url.indexOf(id) >= 0 ? no_update : stored.lists[id];
                });
            }
            return new Promise(function (resolve) {
                var started = Date.now();
                (function wait() {
                    if (chartsDrawn() || Date.now() - started > 2000) {
                        setTimeout(function () { resolve(lists()); }, 0);
                    } else {
                        setTimeout(wait, 10);
                    }
                })();
            });
        },
    },
});

// Dash's dropdown draws its "Clear selection" control as an <a> without href: search engines (and
// Lighthouse's crawlable-links audit) take it for a broken link, and a keyboard cannot reach it. It is a
// button: say so, and give it the href that makes it focusable (its click handler cancels the navigation).
(function () {
    function mark() {
        var anchors = document.querySelectorAll("a.dash-dropdown-clear:not([href])");
        for (var i = 0; i < anchors.length; i++) {
            anchors[i].setAttribute("href", "#");
            anchors[i].setAttribute("role", "button");
        }
    }
    new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});
})();
