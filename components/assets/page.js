// The page's clientside functions (components/callbacks.py registers them), and what the page runs once
// on load (runOnLoad). The page's dropdowns are drawn with their chosen options only, so that the first
// view is not held up while Dash's dropdown indexes hundreds of options for its search box:
// fill_dropdowns fills in their full lists. Its store (components/layout.py) names the dropdowns in order
// (`ids`), each dropdown's list by id (`lists`) and what each was drawn with (`drawn`).
window.dash_clientside = Object.assign({}, window.dash_clientside);
// Dash's renderer defines these as it runs its first clientside callback (and keeps them where they are
// already): the functions below may run before any, on load (runOnLoad), so they are defined here as
// Dash defines them.
if (!window.dash_clientside.no_update) {
    Object.defineProperty(window.dash_clientside, "no_update", {
        value: {description: "Return to prevent updating an Output."},
        enumerable: true,  // kept by the copies other scripts make of window.dash_clientside
        writable: false,
    });
    Object.defineProperty(window.dash_clientside, "PreventUpdate", {
        value: {description: "Throw to prevent updating all Outputs."},
        enumerable: true,
        writable: false,
    });
}
window.dash_clientside = Object.assign(window.dash_clientside, {
    border: {
        // The address bar shows what the page shows: a link that was corrected (an unknown value that
        // fell back, a name typed in lower case) is replaced by the canonical one, in place.
        show_address: function (canonical) {
            if (typeof canonical === "string" && window.location.search !== canonical) {
                window.history.replaceState(window.history.state, "", canonical + window.location.hash);
            }
            // Its output is a placeholder: a value there would be one more change for the page to
            // process (Dash's renderer has every component check each change), for nothing.
            return window.dash_clientside.no_update;
        },
        // The charts' download links follow the view: /export/<chart>.<format>?<the view's query>.
        export_links: function (query, linkIds) {
            return (linkIds || []).map(function (id) {
                return "/export/" + id.chart + "." + id.format + (typeof query === "string" ? query : "");
            });
        },
        // The <iframe> snippet of the view's trend (layout.embed_snippet), with this server's address;
        // no update where the field holds it already.
        embed_code: function (query, current) {
            var search = (typeof query === "string" ? query : "").replace(/&/g, "&amp;");
            var code = '<iframe src="' + window.location.origin + "/embed/trend" + search +
                '" title="U.S. border encounters" width="100%" height="620" style="border:0" loading="lazy"></iframe>';
            return code === current ? window.dash_clientside.no_update : code;
        },
        // What follows the selection in the browser, on load and after each change, as one callback
        // (components/callbacks.py says why): the address, the viewport, the <iframe> snippet and each
        // tab panel's gate (tabs.js). A Promise while dash-ag-grid's script is on its way.
        follow_selection: function (query, viewport, embedded) {
            var border = window.dash_clientside.border;
            var rest = Array.prototype.slice.call(arguments, 3);  // the panels' ids, then their gates' data
            var panelIds = rest.slice(0, rest.length / 2);
            var passed = rest.slice(rest.length / 2);
            var fixed = [border.show_address(query), border.viewport(query, viewport), border.embed_code(query, embedded)];
            var gates = window.dash_clientside.border_tabs.gates(query, panelIds, passed);
            if (gates && typeof gates.then === "function") {
                return gates.then(function (opened) { return fixed.concat(opened); });
            }
            return fixed.concat(gates);
        },
        // The tab's title names the view (the server wrote it for the first page; this follows changes).
        show_title: function (title) {
            if (typeof title === "string" && title && document.title !== title) {
                document.title = title;
            }
            return window.dash_clientside.no_update;  // (a placeholder output, as show_address's)
        },
        // "narrow" where a chart card is narrower than a wide figure's layout needs (640 px), else "wide";
        // no update while it stays the same. A resize that crosses the line sets it again.
        viewport: function (_selection, current) {
            var kind = window.border_viewport();
            if (kind === current) {
                return window.dash_clientside.no_update;
            }
            return kind;
        },
        // "Copy link": the address bar always holds the view's canonical address (show_address).
        copy_link: function (clicks, _selection) {
            var link = window.location.href;
            var triggered = (window.dash_clientside.callback_context || {}).triggered || [];
            if (triggered.some(function (t) { return t.prop_id === "selection-store.data"; })) {
                return "";  // the view changed: the message was about the link before
            }
            function byHand() {
                // Without the Clipboard API (an insecure origin, a refused permission): the old way.
                var field = document.createElement("textarea");
                field.value = link;
                field.setAttribute("readonly", "");
                field.style.position = "fixed";
                field.style.opacity = "0";
                document.body.appendChild(field);
                field.select();
                var copied = false;
                try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
                document.body.removeChild(field);
                return copied ? "Link copied." : "Copy this link: " + link;
            }
            if (!clicks) {
                throw window.dash_clientside.PreventUpdate;
            }
            if (navigator.clipboard && window.isSecureContext) {
                return navigator.clipboard.writeText(link).then(
                    function () { return "Link copied."; },
                    byHand
                );
            }
            return byHand();
        },
        // Each dropdown's full list (the store ids.DROPDOWN_LISTS; the page draws them with their chosen
        // options only). Run once on load, when the charts are drawn (runOnLoad, below).
        fill_dropdowns: function (stored) {
            if (!stored) {
                return [];  // the page came with its full lists
            }
            function sentByTheServer(id) {
                // A dropdown whose list is no longer the one it was drawn with got it from the URL callback
                // (the reader moved to another view first: the callback sends a list that differs from the
                // view before's, and, until this is done, the full list of a dropdown it gives a value):
                // that list is the view's. Any other gets the stored one, which is the view's too.
                var node = window.dash_component_api.getLayout(id);
                var values = ((node && node.props.options) || []).map(function (o) { return o.value; });
                return JSON.stringify(values) !== JSON.stringify(stored.drawn[id]);
            }
            // One dropdown per task (each indexes its list as it gets it: 300 months take tens of ms),
            // so that filling them never holds the page for longer than one list.
            return new Promise(function (resolve) {
                (function fill(index) {
                    if (index === stored.ids.length) {
                        if (stored.filled) {  // the URL callback need no longer send a list with a value
                            window.dash_clientside.set_props(stored.filled, {data: true});
                        }
                        resolve([]);
                        return;
                    }
                    var id = stored.ids[index];
                    var listed = id in stored.lists || id in stored.same_as;  // else drawn with its whole list
                    if (!listed) {
                        fill(index + 1);
                        return;
                    }
                    if (!sentByTheServer(id)) {
                        var options = id in stored.lists ? stored.lists[id] : stored.lists[stored.same_as[id]];
                        window.dash_clientside.set_props(id, {options: options});
                    }
                    setTimeout(function () { fill(index + 1); }, 0);
                })(0);
            });
        },
    },
});

// Once on load, when every chart on screen is drawn (or after two seconds, whichever comes first): the
// clientside functions the store ids.ON_LOAD lists (callbacks.ON_LOAD), each given its arguments as the
// layout holds them, its outputs set as a callback's would be. Dash's renderer would run them as
// callbacks on load, and has every component check each step of each one.
(function runOnLoad() {
    var started = Date.now();
    function propsOf(id) {
        var api = window.dash_component_api;
        try {
            var node = api && api.getLayout ? api.getLayout(id) : null;
            return node && node.props;
        } catch (error) {
            return null;  // the renderer has no layout yet (getLayout finds no path to the id)
        }
    }
    function chartsDrawn() {
        // Plotly gives each chart several .main-svg layers: ask each chart shown, not count them.
        return Array.prototype.every.call(document.querySelectorAll(".dash-graph"), function (chart) {
            return chart.offsetParent === null || chart.querySelector(".js-plotly-plot .main-svg") !== null;
        });
    }
    function run(routine) {
        var path = routine.function.split(".");
        var args = routine.arguments.map(function (argument) {
            var props = propsOf(argument[0]);
            return props ? props[argument[1]] : undefined;
        });
        var no_update = window.dash_clientside.no_update;
        Promise.resolve()
            .then(function () { return window.dash_clientside[path[0]][path[1]].apply(null, args); })
            .then(function (values) {
                (values || []).forEach(function (value, i) {
                    if (value !== no_update && routine.outputs[i]) {
                        var props = {};
                        props[routine.outputs[i][1]] = value;
                        window.dash_clientside.set_props(routine.outputs[i][0], props);
                    }
                });
            })
            .catch(function (error) {
                if (error !== window.dash_clientside.PreventUpdate) {
                    console.error(routine.function, error);
                }
            });
    }
    (function wait() {
        var routines = propsOf("on-load-store");  // ids.ON_LOAD
        if (!routines || !window.dash_clientside.set_props || !(chartsDrawn() || Date.now() - started > 2000)) {
            setTimeout(wait, 20);
            return;
        }
        (routines.data || []).forEach(run);
    })();
})();

// Typing on a closed dropdown opens it and types into its search box. Dash's dropdown does this itself
// for the first key but loses the keys typed before its search box has focus ("2021-03" became "221-03"):
// here the keys typed on the closed control are kept and handed to the search box once it is there.
(function () {
    var typed = null;  // {trigger, text} while the search box is on its way
    function searchBox(trigger) {
        // The open list of this control (Radix names it in aria-controls); a closed one may linger.
        var list = document.getElementById(trigger.getAttribute("aria-controls") || "");
        return list && list.getAttribute("data-state") !== "closed" ? list.querySelector(".dash-dropdown-search") : null;
    }
    function setValue(input, text) {
        var setter = Object.getOwnPropertyDescriptor(window.HTMLInputElement.prototype, "value").set;
        setter.call(input, text);
        input.dispatchEvent(new Event("input", { bubbles: true }));
    }
    function handOver() {
        if (!typed) {
            return;
        }
        var box = searchBox(typed.trigger);
        if (!box) {
            if (Date.now() - typed.started < 2000) {
                requestAnimationFrame(handOver);
            } else {
                typed = null;
            }
            return;
        }
        box.focus();
        setValue(box, typed.text);
        typed = null;
    }
    function printable(event) {
        return event.key && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey;
    }
    function onTrigger(event) {
        return event.target instanceof HTMLElement && event.target.matches("button.dash-dropdown");
    }
    function inList(event) {
        // On an option of an open list (the dropdown focuses the chosen one as it opens): a key is typed
        // in the search box, except Space on an option before anything is typed (it picks the option).
        var target = event.target;
        var list = target instanceof HTMLElement && !target.matches(".dash-dropdown-search") &&
            target.closest(".dash-dropdown-content");
        var box = list && list.querySelector(".dash-dropdown-search");
        return box && (event.key !== " " || box.value) ? box : null;
    }
    window.addEventListener("keydown", function (event) {
        if (!printable(event)) {
            return;
        }
        var inside = inList(event);
        if (inside) {
            event.preventDefault();
            event.stopPropagation();
            inside.focus();
            setValue(inside, inside.value + event.key);
            return;
        }
        if (!onTrigger(event)) {
            return;
        }
        event.preventDefault();
        event.stopPropagation();
        var open = event.target.getAttribute("aria-expanded") === "true";
        var box = searchBox(event.target);
        if (typed) {
            typed.text += event.key;
        } else if (open && box) {
            box.focus();  // the key is typed in the search box, which keeps the focus from now on
            setValue(box, box.value + event.key);
        } else {
            typed = { trigger: event.target, text: event.key, started: Date.now() };
            if (!open) {
                event.target.click();  // opens it
            }
            requestAnimationFrame(handOver);
        }
    }, true);
    window.addEventListener("keyup", function (event) {
        // The dropdown's own handler would add the key to its search a second time.
        if (printable(event) && (onTrigger(event) || inList(event))) {
            event.stopPropagation();
        }
    }, true);
})();

// The width class of the page's charts (see the viewport callback), and the resize that changes it.
window.border_viewport = function () {
    var card = document.querySelector(".chart-card");
    var width = card ? card.clientWidth : window.innerWidth;
    return width < 640 ? "narrow" : "wide";
};
(function () {
    var last = null;
    var timer = null;
    window.addEventListener("resize", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
            var kind = window.border_viewport();
            if (kind !== last && window.dash_clientside.set_props) {
                last = kind;
                window.dash_clientside.set_props("viewport-store", { data: kind });
            }
        }, 200);
    });
})();

// Dash's dropdown draws its "Clear selection" control as an <a> without href, which search engines (and
// Lighthouse's crawlable-anchors audit) take for a broken link. It is a control inside the dropdown's
// button: it gets role "button", which that audit accepts, and no href, so that it is not a focusable
// control nested in another (axe's nested-interactive); the fixes below hide it from assistive technology
// (Delete clears the dropdown).
(function () {
    function mark() {
        var anchors = document.querySelectorAll("a.dash-dropdown-clear:not([role])");
        for (var i = 0; i < anchors.length; i++) {
            anchors[i].setAttribute("role", "button");
        }
    }
    new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});
})();

// On a phone the filters fold away under their summary once the page is drawn (the story comes first);
// wider, they are open (and, from 821 px, stand in their own column with no summary to reopen them).
(function fold(tries) {
    var filters = document.getElementById("filters");
    if (!filters) {
        if (tries < 400) {
            setTimeout(function () { fold(tries + 1); }, 25);  // Dash draws the layout after this script
        }
        return;
    }
    var phone = window.matchMedia("(max-width: 640px)");
    filters.open = !phone.matches;
    phone.addEventListener("change", function () {
        filters.open = !phone.matches;
    });
})(0);

// Accessibility fixes for Dash 4's own components, kept as they re-render (axe-core finds each of these):
// - a dropdown is reached by Tab on its button, not on a hidden helper input that is aria-hidden yet
//   focusable (the helper only passed the focus on);
// - a dropdown's button is named by its visible label ("From month") and described by its value;
// - its "clear" link (inside the button) carries no aria-label a link may not have; Delete clears;
// - radio items and checklists are native radios and checkboxes: not a listbox of options wrapping
//   them (which made unnamed listboxes and interactive controls nested in options); the radios are a
//   radiogroup named by their label.
(function () {
    function set(element, name, value) {
        if (value === null) {
            if (element.hasAttribute(name)) {
                element.removeAttribute(name);
            }
        } else if (element.getAttribute(name) !== value) {
            element.setAttribute(name, value);
        }
    }
    // The descriptions live outside Dash's components (which re-render theirs), hidden: a description
    // may name a hidden element, and it is read all the same.
    function describe(id, text) {
        var box = document.getElementById("control-descriptions");
        if (!box) {
            box = document.createElement("div");
            box.id = "control-descriptions";
            box.hidden = true;
            document.body.appendChild(box);
        }
        var item = document.getElementById(id + "-description");
        if (!item) {
            item = document.createElement("span");
            item.id = id + "-description";
            box.appendChild(item);
        }
        if (item.textContent !== text) {
            item.textContent = text;
        }
        return text ? item : null;
    }
    function fix() {
        document.querySelectorAll("input.dash-dropdown-focus-target").forEach(function (input) {
            set(input, "tabindex", "-1");
        });
        document.querySelectorAll("button.dash-dropdown").forEach(function (button) {
            if (!button.disabled) {
                set(button, "tabindex", "0");
            }
            var label = button.id && document.getElementById(button.id + "-label");
            if (label) {
                // Named by its visible label (the <label for> of its field), so that the name holds what
                // the label shows (WCAG 2.5.3); what it holds is its description, in words a screen reader
                // reads apart: "China, India, Mexico, 9 selected" (Dash separates the chosen values with
                // CSS only, which reads "ChinaIndiaMexico"), or its placeholder ("No year").
                var items = Array.prototype.map.call(
                    button.querySelectorAll(".dash-dropdown-value-item"),
                    function (item) { return item.textContent.trim(); }
                );
                var count = button.querySelector(".dash-dropdown-value-count");
                var placeholder = button.querySelector(".dash-dropdown-placeholder");
                var shown = items.concat(count ? [count.textContent.trim()] : []).filter(Boolean);
                if (!shown.length && placeholder) {
                    shown = [placeholder.textContent.trim()];
                }
                set(button, "aria-labelledby", null);
                set(button, "aria-label", null);
                var described = describe(button.id, shown.join(", "));
                // and by the note beside its group, where there is one (why the compare-year lists are empty)
                var group = button.closest(".field-group");
                var note = group && group.querySelector(".field-note");
                var ids = [described ? described.id : "", note && note.id && note.textContent ? note.id : ""];
                set(button, "aria-describedby", ids.filter(Boolean).join(" ") || null);
            }
        });
        document.querySelectorAll(".dash-dropdown-clear").forEach(function (clear) {
            set(clear, "aria-label", null);
            set(clear, "aria-hidden", "true");
        });
        // Plotly's toolbars (zoom, pan, reset, camera) stay for the mouse but leave the Tab order: seven
        // stops a chart before its own download links, which do the same for a keyboard.
        document.querySelectorAll(".modebar-btn").forEach(function (button) {
            set(button, "tabindex", "-1");
        });
        document.querySelectorAll(".dash-options-list[role=listbox]").forEach(function (list) {
            if (list.closest(".dash-dropdown-content")) {
                return;  // an open dropdown's list is a real listbox
            }
            var label = list.id && document.getElementById(list.id + "-label");
            if (list.classList.contains("dash-radioitems")) {
                set(list, "role", "radiogroup");
                set(list, "aria-labelledby", label ? label.id : null);
            } else {
                set(list, "role", null);
            }
        });
        document.querySelectorAll(".dash-options-list-option[role=option]").forEach(function (option) {
            if (!option.closest(".dash-dropdown-content")) {
                set(option, "role", null);
                set(option, "aria-selected", null);
            }
        });
    }
    var queued = false;
    new MutationObserver(function () {
        if (!queued) {
            queued = true;
            Promise.resolve().then(function () { queued = false; fix(); });
        }
    }).observe(document.documentElement, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ["tabindex", "role", "aria-selected", "aria-label", "aria-labelledby", "aria-describedby"],
    });
})();

// The world map (the map tab; components/panels.py): its figure comes in the panel as the data-figure of
// a .world-map element and is drawn with the map's own plotly.js (plotly-geo.min.js, window.PlotlyGeo),
// which is not in the page: it is loaded the first time a map is shown, so the other views never fetch it.
// Its base map comes from our assets (config.topojsonURL), never from Plotly's CDN. A click on a country
// adds its nationality to the view (the address's nationality list, which the URL callback reads).
(function () {
    var loading = null;
    function loadGeo(src) {
        if (window.PlotlyGeo) {
            return Promise.resolve(window.PlotlyGeo);
        }
        if (!loading) {
            loading = new Promise(function (resolve, reject) {
                var script = document.createElement("script");
                script.src = src;
                script.onload = function () { resolve(window.PlotlyGeo); };
                script.onerror = function () { loading = null; reject(new Error("the map's script did not load")); };
                document.head.appendChild(script);
            });
        }
        return loading;
    }
    function addNationality(name) {
        var params = new URLSearchParams(window.location.search);
        var chosen = params.getAll("nationality");
        if (!name || chosen.indexOf(name) >= 0 || !window.dash_clientside.set_props) {
            return;
        }
        params.append("nationality", name);
        window.dash_clientside.set_props("url", { search: "?" + params.toString() });
    }
    function draw(element) {
        var text = element.getAttribute("data-figure");
        if (!text || element.getAttribute("data-drawn") === text) {
            return;
        }
        element.setAttribute("data-drawn", text);
        var figure = JSON.parse(text);
        var config = JSON.parse(element.getAttribute("data-config") || "{}");
        loadGeo(element.getAttribute("data-script")).then(function (Plotly) {
            if (element.getAttribute("data-drawn") !== text) {
                return;  // another figure came meanwhile: it draws instead
            }
            return Plotly.react(element, figure.data, figure.layout, config).then(function () {
                if (!element.getAttribute("data-clicks")) {
                    element.setAttribute("data-clicks", "on");
                    element.on("plotly_click", function (event) {
                        var point = event && event.points && event.points[0];
                        addNationality(point && point.customdata && point.customdata[0]);
                    });
                }
            });
        }).catch(function (error) {
            element.removeAttribute("data-drawn");
            element.textContent = "The map could not be drawn (" + error.message + "); reload the page to try again.";
        });
    }
    function drawAll() {
        document.querySelectorAll(".world-map[data-figure]").forEach(function (element) {
            if (!element.closest("[hidden]")) {
                draw(element);
            }
        });
    }
    var queued = false;
    new MutationObserver(function () {
        if (!queued) {
            queued = true;
            requestAnimationFrame(function () { queued = false; drawAll(); });
        }
    }).observe(document.documentElement, {
        subtree: true, childList: true, attributes: true, attributeFilter: ["data-figure", "hidden"],
    });
})();

// Each chart is drawn in a task of its own. Dash's graphs call Plotly.react as they mount, all in the
// task that renders the page: the page's four charts made one task of 400 ms on a fast desktop, in which
// the browser could answer no click or key. Queued here, each draw waits for the one before and then
// for the browser to have had its turn (a message, which a background tab does not slow down as it does
// timers), so no task holds more than one chart. The order of the draws, of one chart or of several, is
// kept; a chart taken off the page while it waited is not drawn.
(function () {
    var queue = Promise.resolve();
    var channel = new MessageChannel();
    var waiting = [];
    channel.port1.onmessage = function () {
        waiting.shift()();
    };
    function yieldToBrowser() {
        return new Promise(function (resolve) {
            waiting.push(resolve);
            channel.port2.postMessage(null);
        });
    }
    function queued(react) {
        var wrapped = function (graph) {
            var self = this;
            var args = arguments;
            var turn = queue.then(yieldToBrowser).then(function () {
                return graph && graph.isConnected === false ? graph : react.apply(self, args);
            });
            queue = turn.catch(function () {});
            return turn;
        };
        wrapped.queued = true;
        return wrapped;
    }
    var plotly = window.Plotly;
    function wrap(value) {
        if (value && typeof value.react === "function" && !value.react.queued) {
            value.react = queued(value.react);
        }
        return value;
    }
    // page.js runs before plotly.js (the bundle assigns the global Plotly): wrap it as it is assigned.
    Object.defineProperty(window, "Plotly", {
        configurable: true,
        get: function () { return plotly; },
        set: function (value) { plotly = wrap(value); },
    });
    wrap(plotly);
})();
