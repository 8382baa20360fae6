/* The collaboration network page: loads /network/{kind}.json and draws it with Cytoscape.js.
   Every text that comes from data is set with textContent (never innerHTML). */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("net-config").textContent);
  var msg = config.messages;
  var lang = config.lang;
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79"];
  var SPHERES = { "S-ESS": "#2ca02c", "S-CLA": "#1f77b4", "S-PUB": "#ff7f0e" };
  var TYPE_LABELS = { innovation: msg.innovation, need: msg.need, event: msg.event,
    edition: msg.edition_node, organisation: msg.organisation };

  var $ = function (id) { return document.getElementById(id); };
  var controls = { kind: $("net-kind"), edition: $("net-edition"), mode: $("net-mode"),
    size: $("net-size"), colour: $("net-colour"), nodeKind: $("net-node-kind"),
    search: $("net-search") };
  var state = { data: null, byId: {}, suggestions: [] };

  var cy = cytoscape({
    container: $("net-graph"),
    wheelSensitivity: 0.3,
    minZoom: 0.1,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
        "width": "data(size)", "height": "data(size)", "background-color": "data(colour)",
        "label": "data(shortLabel)", "font-size": 11, "min-zoomed-font-size": 7, "text-valign": "bottom",
        "text-margin-y": 2, "color": "#243440", "border-width": 1, "border-color": "#ffffff",
        "text-wrap": "ellipsis", "text-max-width": 120 } },
      { selector: "node[side = 1]", style: { "shape": "round-rectangle" } },
      { selector: "node[?broker]", style: { "border-width": 3, "border-color": "#222222" } },
      { selector: "edge", style: {
        "width": "data(width)", "line-color": "#9aa9b5", "opacity": 0.6, "curve-style": "haystack" } },
      { selector: ".hidden", style: { "display": "none" } },
      { selector: ".faded", style: { "opacity": 0.15 } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#d62728" } },
      { selector: ".match", style: { "border-width": 4, "border-color": "#e6a100" } }
    ]
  });
  window.rallynovNetwork = { cy: cy, state: state };

  function label(node) {
    return node["label_" + lang] || node.label || node.id;
  }

  function short(text) {
    return text.length > 30 ? text.slice(0, 29) + "…" : text;
  }

  function url(format, extra) {
    var params = new URLSearchParams({ edition: controls.edition.value, mode: controls.mode.value });
    if (format === "json" && !(extra && extra.all)) { params.set("top", config.top); }
    Object.keys(extra || {}).forEach(function (k) { if (k !== "all") { params.set(k, extra[k]); } });
    return "/network/" + encodeURIComponent(controls.kind.value) + "." + format + "?" + params;
  }

  function updateDownloads() {
    $("net-dl-json").href = url("json", { all: 1 });
    $("net-dl-gexf").href = url("gexf", { download: 1 });
    $("net-dl-graphml").href = url("graphml", { download: 1 });
    $("net-dl-nodes").href = url("csv", { table: "nodes", download: 1 });
    $("net-dl-edges").href = url("csv", { table: "edges", download: 1 });
    $("net-dl-png").href = url("png", { lang: lang });
    var query = new URLSearchParams({ kind: controls.kind.value, edition: controls.edition.value,
      mode: controls.mode.value });
    history.replaceState(null, "", "/network?" + query);
  }

  function kindLabel(code) {
    var legend = (state.data && state.data.legend) || {};
    if (legend[code]) { return legend[code][lang] || code; }
    return TYPE_LABELS[code] || code;
  }

  function colourKey(node) {
    var by = controls.colour.value;
    if (by === "community") { return String(node.community); }
    if (by === "sphere") { return node.sphere || "-"; }
    return node.kind || node.type;
  }

  function colourOf(key, keys) {
    if (controls.colour.value === "sphere") { return SPHERES[key] || "#b0b0b0"; }
    return PALETTE[keys.indexOf(key) % PALETTE.length];
  }

  function restyle() {
    var metric = controls.size.value;
    var values = cy.nodes().map(function (n) { return n.data("metrics")[metric] || 0; });
    var max = Math.max.apply(null, values.concat([0]));
    var keys = [];
    cy.nodes().forEach(function (n) {
      var key = colourKey(n.data("raw"));
      if (keys.indexOf(key) < 0) { keys.push(key); }
    });
    keys.sort(function (a, b) { return isNaN(a) || isNaN(b) ? (a < b ? -1 : a > b ? 1 : 0) : a - b; });
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var value = n.data("metrics")[metric] || 0;
        n.data("size", 14 + (max > 0 ? 46 * Math.sqrt(value / max) : 0));
        n.data("colour", colourOf(colourKey(n.data("raw")), keys));
      });
    });
    drawLegend(keys);
  }

  function drawLegend(keys) {
    var box = $("net-legend");
    box.textContent = "";
    var by = controls.colour.value;
    keys.slice(0, 24).forEach(function (key) {
      var item = document.createElement("span");
      item.style.setProperty("--c", colourOf(key, keys));
      if (by === "community") { item.textContent = msg.community + " " + (Number(key) + 1); }
      else if (by === "sphere") { item.textContent = key === "-" ? "—" : kindLabel(key); }
      else { item.textContent = kindLabel(key); }
      box.appendChild(item);
    });
  }

  function fillNodeKinds() {
    var select = controls.nodeKind;
    var chosen = select.value;
    while (select.options.length > 1) { select.remove(1); }
    var kinds = {};
    state.data.nodes.forEach(function (n) { kinds[n.kind || n.type] = true; });
    Object.keys(kinds).sort().forEach(function (k) {
      var option = new Option(kindLabel(k), k);
      select.add(option);
    });
    select.value = kinds[chosen] ? chosen : "";
    var names = $("net-names");
    names.textContent = "";
    state.data.nodes.map(label).sort().forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      names.appendChild(option);
    });
  }

  function applyFilters() {
    var wanted = controls.nodeKind.value;
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var raw = n.data("raw");
        n.toggleClass("hidden", wanted !== "" && (raw.kind || raw.type) !== wanted);
      });
    });
    showStats();
  }

  function visibleNodes() { return cy.nodes().filter(function (n) { return !n.hasClass("hidden"); }); }

  function showStats() {
    var m = state.data.metrics;
    var visible = visibleNodes();
    var edges = visible.edgesWith(visible);
    var parts = [visible.length + " " + msg.nodes, edges.length + " " + msg.edges];
    // density, components, communities and modularity are the whole graph's (the server's)
    var metrics = [
      msg.density + " " + m.density, msg.components + " " + m.components,
      msg.communities + " " + m.communities,
      msg.modularity + " " + (m.modularity === null ? "—" : m.modularity)
    ].join(", ");
    var shown = state.data.shown;
    var sample = null;
    if (shown && shown.nodes < shown.of) {
      // a bipartite sample keeps both sides: say how many of each
      sample = (shown.items_of !== undefined ? msg.sample_of : msg.shown_of)
        .replace("{n}", shown.nodes).replace("{total}", shown.of)
        .replace("{orgs}", shown.organisations).replace("{items}", shown.items);
      parts.push(sample);
    }
    if (shown && shown.edges_capped) {
      parts.push(msg.edges_shown_of.replace("{n}", shown.edges).replace("{total}", shown.edges_of));
    }
    var partial = sample !== null || (shown && shown.edges_capped);
    parts.push(partial ? msg.whole_metrics.replace("{metrics}", metrics) : metrics);
    var graph = state.data.graph || {};
    if (graph.capped) {
      parts.push(msg.capped.replace(/\{k\}/g, graph.members_kept).replace("{n}", graph.organisations_capped));
    }
    var box = $("net-stats");
    box.textContent = parts.join(" · ");
    box.dataset.sample = sample ? "yes" : "no";
    box.dataset.visibleNodes = String(visible.length);
    box.dataset.visibleEdges = String(edges.length);
  }

  function load() {
    updateDownloads();
    $("net-stats").textContent = msg.loading;
    showPanel(null);
    return fetch(url("json"), { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error(r.status + " " + r.statusText); }
        return r.json();
      })
      .then(draw)
      .catch(function (err) { $("net-stats").textContent = msg.load_failed + " (" + err.message + ")"; });
  }

  function draw(data) {
    state.data = data;
    state.byId = {};
    data.nodes.forEach(function (n) { state.byId[n.id] = n; });
    var maxWeight = Math.max.apply(null, data.edges.map(function (e) { return e.weight || 1; }).concat([1]));
    var elements = data.nodes.map(function (n) {
      return { group: "nodes", data: {
        id: n.id, raw: n, side: n.bipartite || 0, broker: n.broker, shortLabel: short(label(n)),
        metrics: n, size: 20, colour: "#888" } };
    }).concat(data.edges.map(function (e, i) {
      return { group: "edges", data: {
        id: "e" + i, source: e.source, target: e.target, raw: e,
        width: 1 + 7 * Math.sqrt((e.weight || 1) / maxWeight) } };
    }));
    cy.elements().remove();
    cy.add(elements);
    fillNodeKinds();
    restyle();
    applyFilters();
    // cose costs n^2 per iteration: large drawings cool down faster (fewer iterations)
    var large = data.nodes.length > 150;
    var layout = cy.layout({ name: "cose", animate: false, randomize: true, nodeRepulsion: 9000,
      idealEdgeLength: 80, nodeDimensionsIncludeLabels: false, fit: true, padding: 20,
      coolingFactor: large ? 0.95 : 0.99, numIter: large ? 300 : 1000 });
    layout.run();
    document.body.dataset.networkReady = controls.kind.value + "|" + controls.edition.value + "|" + controls.mode.value;
  }

  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = text; }
    if (className) { el.className = className; }
    return el;
  }

  function nodeButton(id) {
    var node = state.byId[id];
    var button = element("button", node ? label(node) : id, "net-link");
    button.type = "button";
    button.addEventListener("click", function () { focus(id); });
    return button;
  }

  function showPanel(id) {
    var panel = $("net-panel");
    panel.textContent = "";
    var node = id && state.byId[id];
    if (!node) { panel.appendChild(element("p", msg.pick_node, "net-hint")); return; }
    panel.appendChild(element("h2", label(node)));
    var kindText = kindLabel(node.kind || node.type) + (node.sphere ? " · " + kindLabel(node.sphere) : "");
    panel.appendChild(element("p", kindText));
    var table = element("table");
    [["degree", node.degree], ["weighted_degree", node.weighted_degree],
      ["betweenness", node.betweenness], ["closeness", node.closeness],
      ["eigenvector", node.eigenvector], ["community", node.community + 1],
      ["broker", node.broker ? msg.yes : msg.no]].forEach(function (row) {
      var tr = element("tr");
      tr.appendChild(element("th", msg[row[0]]));
      tr.appendChild(element("td", String(row[1])));
      table.appendChild(tr);
    });
    panel.appendChild(table);
    var open = element("a", msg.open_page, "net-open");
    open.id = "net-open-page";
    open.href = node.url;
    panel.appendChild(open);

    panel.appendChild(element("h3", msg.neighbours));
    var list = element("ul");
    cy.getElementById(id).connectedEdges().forEach(function (edge) {
      var other = edge.source().id() === id ? edge.target().id() : edge.source().id();
      var raw = edge.data("raw");
      var li = element("li");
      li.appendChild(nodeButton(other));
      var why = (raw.item_labels && raw.item_labels.length ? raw.item_labels : raw.relations || []).join("; ");
      li.appendChild(element("div", msg.weight + " " + raw.weight + (why ? " — " + why : ""), "net-why"));
      list.appendChild(li);
    });
    panel.appendChild(list);

    panel.appendChild(element("h3", msg.suggestions));
    var mine = state.data.suggestions.filter(function (s) { return s.source === id || s.target === id; }).slice(0, 8);
    if (!mine.length) { panel.appendChild(element("p", msg.no_suggestion, "net-hint")); }
    var sugg = element("ul");
    sugg.id = "net-suggestions";
    mine.forEach(function (s) {
      var li = element("li");
      li.appendChild(nodeButton(s.source === id ? s.target : s.source));
      var shared = s.shared.map(function (x) { return state.byId[x] ? label(state.byId[x]) : x; }).join("; ");
      li.appendChild(element("div", "Adamic–Adar " + s.score + " — " + msg.shared + " " + shared, "net-why"));
      sugg.appendChild(li);
    });
    panel.appendChild(sugg);
  }

  function focus(id) {
    var node = cy.getElementById(id);
    if (!node.length) { return; }
    cy.nodes().unselect();
    node.select();
    cy.animate({ center: { eles: node }, duration: 200 });
    showPanel(id);
  }

  function search() {
    var text = controls.search.value.trim().toLowerCase();
    cy.nodes().removeClass("match");
    if (!text) { return; }
    var found = cy.nodes().filter(function (n) {
      var raw = n.data("raw");
      return !n.hasClass("hidden") &&
        [raw.label_fr, raw.label_en, raw.label].join(" ").toLowerCase().indexOf(text) >= 0;
    });
    found.addClass("match");
    if (found.length) { focus(found[0].id()); }
    else { $("net-stats").textContent = msg.no_match; }
  }

  cy.on("tap", "node", function (evt) { showPanel(evt.target.id()); });
  cy.on("dbltap", "node", function (evt) { window.location.href = evt.target.data("raw").url; });
  cy.on("tap", function (evt) { if (evt.target === cy) { showPanel(null); } });

  controls.kind.addEventListener("change", function () {
    controls.mode.value = config.defaultModes[controls.kind.value];
    load();
  });
  controls.edition.addEventListener("change", load);
  controls.mode.addEventListener("change", load);
  controls.size.addEventListener("change", restyle);
  controls.colour.addEventListener("change", restyle);
  controls.nodeKind.addEventListener("change", applyFilters);
  controls.search.addEventListener("change", search);
  controls.search.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); search(); } });
  $("net-controls").addEventListener("submit", function (e) { e.preventDefault(); });

  var params = new URLSearchParams(window.location.search);
  if (params.get("edition") && config.editions.indexOf(params.get("edition")) >= 0) {
    controls.edition.value = params.get("edition");
  }
  controls.mode.value = params.get("mode") === "bipartite" || params.get("mode") === "projection" ?
    params.get("mode") : config.defaultModes[controls.kind.value];
  load();
}());
