// The first paint (components/first_paint.py) is the page as the server drew it, charts sketched, shown
// from the first HTML on. The interactive page is drawn hidden over it, in the same place; once every one
// of its charts is drawn by Plotly and as tall as the sketch shown in its place (on a phone the charts are
// drawn again, narrow, after the first draw), the first paint is removed in one frame, and nothing moves.
// If Plotly never draws (blocked, failed), the first paint stays: its numbers, charts and links hold.
(function () {
    var first = document.getElementById("first-paint");
    if (!first) {
        return;
    }
    var started = Date.now();
    var LONGEST = 15000;  // ms: past this, once drawn, the interactive page is shown even if heights differ
    function drawn(live) {
        return live.length > 0 && Array.prototype.every.call(live, function (graph) {
            return graph.querySelector(".js-plotly-plot .main-svg") !== null;
        });
    }
    function sameHeights(live, sketches) {
        return live.length === sketches.length && Array.prototype.every.call(live, function (graph, i) {
            return Math.abs(graph.offsetHeight - sketches[i].offsetHeight) < 1;
        });
    }
    (function wait() {
        // the chart cards' graphs only (a panel opened by a link to its tab may draw a graph of its own)
        var live = document.querySelectorAll("#react-entry-point .dash-graph.chart");
        var sketches = first.querySelectorAll(".fp-graph");
        if (drawn(live) && (sameHeights(live, sketches) || Date.now() - started > LONGEST)) {
            requestAnimationFrame(function () {
                first.remove();
            });
            return;
        }
        setTimeout(wait, 20);
    })();
})();
