/* The map page: Leaflet + markercluster, department outlines served by this site (works offline).
   Each layer is drawn in one of two modes (config.modes): "client" loads the whole GeoJSON and
   clusters and filters it here; "server" (large datasets) asks the server for the current
   viewport (?zoom=&bbox= and the filters) on every move or filter change, and draws the clusters
   it computed plus the points of a zoomed-in view.
   Every text that comes from data is set with textContent (never innerHTML). */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var msg = config.messages;
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a", "#8ca252", "#bd9e39", "#7b4173",
    "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363"];
  var SPHERES = { "S-ESS": "#2ca02c", "S-CLA": "#1f77b4", "S-PUB": "#ff7f0e" };
  var $ = function (id) { return document.getElementById(id); };
  var controls = { colour: $("map-colour"), edition: $("map-edition"), status: $("map-status"),
    need: $("map-need"), sphere: $("map-sphere"), stages: $("map-show-stages") };

  var map = L.map("map", { minZoom: 6, maxZoom: 16, zoomSnap: 0.25 }).setView([47.1, 6.1], 8);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { maxZoom: 18 }).addTo(map);
  }
  var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false,
    maxClusterRadius: 40, spiderfyOnMaxZoom: true });
  // stages: their own clusters, drawn up and to the right of their point so that a stage and the
  // innovations of the same town stay apart
  var STAGE_ANCHOR = [-3, 23];
  var stagesLayer = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 20,
    iconCreateFunction: function (group) {
      // a group of stages shows the range of their numbers ("1–4")
      var numbers = group.getAllChildMarkers().map(function (m) { return m.options.stageNumber; })
        .filter(function (n) { return n; }).sort(function (a, b) { return a - b; });
      var text = numbers.length ? numbers[0] + "–" + numbers[numbers.length - 1] : String(group.getChildCount());
      return L.divIcon({ className: "map-stage map-stage-group", html: stageLabel(text),
        iconSize: [30, 20], iconAnchor: STAGE_ANCHOR });
    } });
  cluster.addTo(map);
  stagesLayer.addTo(map);
  // server mode: the clusters the server computed for the viewport, per layer
  var serverClusters = { innovations: L.layerGroup().addTo(map), stages: L.layerGroup().addTo(map) };
  var LIST_LIMIT = 30;  // innovations listed in the popup of a cluster that no zoom can split
  var state = { innovations: [], stages: [], needLabels: {}, sphereLabels: {}, statusLabels: {},
    modes: config.modes || {}, view: {}, counts: {}, pending: 0, sequence: { innovations: 0, stages: 0 },
    drawn: 0 };  // server mode: viewport answers drawn so far
  window.rallynovMap = { map: map, cluster: cluster, stages: stagesLayer, serverClusters: serverClusters,
    state: state };

  function server(name) { return state.modes[name] === "server"; }

  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = text; }
    if (className) { el.className = className; }
    return el;
  }

  function popup(props, rows) {
    var box = element("div", null, "map-popup");
    box.appendChild(element("h3", props.name));
    var list = element("dl");
    rows.forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") { return; }
      list.appendChild(element("dt", row[0]));
      list.appendChild(element("dd", String(row[1])));
    });
    box.appendChild(list);
    var link = element("a", msg.open_page, "map-open");
    link.href = props.url;
    box.appendChild(link);
    return box;
  }

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  function addOption(select, value, text) {
    select.add(new Option(text, value));
  }

  function colourKey(props) {
    if (controls.colour.value === "sphere") { return props.sphere || "-"; }
    return (props.needs && props.needs.length) ? props.needs[0] : "-";
  }

  function colourOf(key, keys) {
    if (key === "-") { return "#9e9e9e"; }
    if (controls.colour.value === "sphere") { return SPHERES[key] || "#9e9e9e"; }
    return PALETTE[keys.indexOf(key) % PALETTE.length];
  }

  function keysInUse() {
    var keys = [];
    if (server("innovations")) {
      var facets = config.facets.innovations || {};
      keys = Object.keys((controls.colour.value === "sphere" ? facets.sphere : facets.need) || {});
      keys.push("-");
      return keys.sort();
    }
    state.innovations.forEach(function (item) {
      var key = colourKey(item.feature.properties);
      if (keys.indexOf(key) < 0) { keys.push(key); }
    });
    return keys.sort();
  }

  function drawnInnovations() {
    return server("innovations") ? (state.view.innovations || { items: [] }).items : state.innovations;
  }

  function restyle() {
    var keys = keysInUse();
    drawnInnovations().forEach(function (item) {
      item.marker.setStyle({ fillColor: colourOf(colourKey(item.feature.properties), keys) });
    });
    var legend = $("map-legend");
    legend.textContent = "";
    var labels = controls.colour.value === "sphere" ? state.sphereLabels : state.needLabels;
    keys.forEach(function (key) {
      var span = element("span", key === "-" ? msg.none : (key + " " + (labels[key] || "")));
      span.style.setProperty("--c", colourOf(key, keys));
      legend.appendChild(span);
    });
    var stage = element("span", msg.stages, "map-legend-stage");
    legend.appendChild(stage);
  }

  function matches(props, withAttributes) {
    var edition = controls.edition.value;
    if (edition && String(props.edition) !== edition) { return false; }
    if (!withAttributes) { return true; }
    if (controls.status.value && props.status !== controls.status.value) { return false; }
    if (controls.sphere.value && props.sphere !== controls.sphere.value) { return false; }
    if (controls.need.value && (props.needs || []).indexOf(controls.need.value) < 0) { return false; }
    return true;
  }

  function applyFilters() {
    var waits = [];
    if (server("innovations")) { waits.push(refreshServer("innovations")); } else {
      var shown = state.innovations.filter(function (item) { return matches(item.feature.properties, true); });
      cluster.clearLayers();
      cluster.addLayers(shown.map(function (item) { return item.marker; }));
      state.counts.innovations = { shown: shown.length, total: state.innovations.length, unlocated: state.unlocated };
    }
    if (server("stages")) { waits.push(refreshServer("stages")); } else {
      stagesLayer.clearLayers();
      var stagesShown = controls.stages.checked ?
        state.stages.filter(function (item) { return matches(item.feature.properties, false); }) : [];
      stagesLayer.addLayers(stagesShown.map(function (item) { return item.marker; }));
      stagesLayer.refreshClusters();
      state.counts.stages = stagesShown.length;
    }
    showCount();
    return Promise.all(waits);
  }

  function showCount() {
    var inv = state.counts.innovations || { shown: 0, total: 0 };
    var stages = state.counts.stages || 0;
    var count = $("map-count");
    count.textContent = inv.shown + " / " + inv.total + " " + msg.innovations + " · " +
      stages + " " + msg.stages + " " + msg.shown + (inv.unlocated ? " · " + inv.unlocated + " " + msg.unlocated : "");
    count.dataset.innovations = String(inv.shown);
    count.dataset.stages = String(stages);
    count.dataset.pending = String(state.pending);
  }

  // -- server mode ------------------------------------------------------------------------------
  function filterParams(name, extra) {
    var params = new URLSearchParams();
    if (controls.edition.value) { params.set("edition", controls.edition.value); }
    if (name === "innovations") {
      ["status", "need", "sphere"].forEach(function (key) {
        if (controls[key].value) { params.set(key, controls[key].value); }
      });
    }
    Object.keys(extra || {}).forEach(function (key) { params.set(key, extra[key]); });
    return config.layers[name] + "&" + params;
  }

  function bboxText(b) {
    return b.map(function (v) { return v.toFixed(5); }).join(",");
  }

  function refreshServer(name) {
    var group = name === "innovations" ? cluster : stagesLayer;
    var sequence = ++state.sequence[name];
    if (name === "stages" && !controls.stages.checked) {
      group.clearLayers();
      serverClusters.stages.clearLayers();
      state.counts.stages = 0;
      showCount();
      return Promise.resolve();
    }
    var bounds = map.getBounds().pad(0.2);
    var url = filterParams(name, { zoom: Math.round(map.getZoom()), bbox: bboxText([bounds.getWest(),
      bounds.getSouth(), bounds.getEast(), bounds.getNorth()]) });
    state.pending += 1;
    showCount();
    return fetchJson(url).then(function (data) {
      if (sequence === state.sequence[name]) { drawServer(name, data); }
    }).catch(function (err) {
      $("map-count").textContent = msg.load_failed + " (" + err.message + ")";
    }).then(function () {
      state.pending -= 1;
      $("map-count").dataset.pending = String(state.pending);
    });
  }

  function drawServer(name, data) {
    var group = name === "innovations" ? cluster : stagesLayer;
    var items = [];
    var clusters = [];
    data.features.forEach(function (feature) {
      if (feature.properties.cluster) { clusters.push(clusterMarker(name, feature)); return; }
      items.push(name === "innovations" ? innovationItem(feature) : stageItem(feature));
    });
    group.clearLayers();
    serverClusters[name].clearLayers();
    group.addLayers(items.map(function (item) { return item.marker; }));
    clusters.forEach(function (marker) { serverClusters[name].addLayer(marker); });
    state.view[name] = { items: items, clusters: clusters.length, matched: data.matched, inView: data.in_view };
    state.drawn += 1;
    if (name === "innovations") {
      var totals = config.totals.innovations;
      state.counts.innovations = { shown: data.matched, total: totals.located, unlocated: totals.unlocated };
      restyle();
    } else {
      state.counts.stages = data.matched;
      group.refreshClusters();
    }
    showCount();
  }

  function clusterMarker(name, feature) {
    var c = feature.geometry.coordinates;
    var n = feature.properties.count;
    var icon;
    if (name === "innovations") {
      var box = document.createElement("div");
      box.appendChild(stageLabel(String(n)));
      icon = L.divIcon({ html: box, iconSize: L.point(40, 40), className: "map-server-cluster marker-cluster marker-cluster-" +
        (n < 10 ? "small" : n < 100 ? "medium" : "large") });
    } else {
      icon = L.divIcon({ className: "map-server-cluster map-stage map-stage-group", html: stageLabel(String(n)),
        iconSize: [30, 20], iconAnchor: STAGE_ANCHOR });
    }
    var marker = L.marker([c[1], c[0]], { icon: icon, title: String(n), zIndexOffset: name === "stages" ? 500 : 0 });
    marker.feature = feature;
    marker.on("click", function () { openCluster(name, feature, marker); });
    return marker;
  }

  function openCluster(name, feature, marker) {
    var b = feature.bbox;
    var spread = b[2] - b[0] > 1e-6 || b[3] - b[1] > 1e-6;
    if (spread && map.getZoom() < map.getMaxZoom()) {
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30] });
      return Promise.resolve();
    }
    // every member at the same place: no zoom separates them, list them instead
    var pad = 1e-6;
    var url = filterParams(name, { bbox: bboxText([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]), limit: LIST_LIMIT });
    return fetchJson(url).then(function (data) {
      var box = element("div", null, "map-popup map-cluster-list");
      box.appendChild(element("h3", data.in_view + " " + (name === "innovations" ? msg.cluster_here : msg.stages_here)));
      var list = element("ul");
      data.features.forEach(function (f) {
        var item = element("li");
        var link = element("a", f.properties.name);
        link.href = f.properties.url;
        item.appendChild(link);
        list.appendChild(item);
      });
      box.appendChild(list);
      if (data.in_view > data.features.length) {
        box.appendChild(element("p", msg.cluster_more.replace("{n}", String(data.in_view - data.features.length))));
      }
      marker.bindPopup(box, { maxHeight: 300 }).openPopup();
    });
  }

  function stageLabel(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function fillSelect(select, values, labels) {
    values.sort().forEach(function (value) {
      addOption(select, value, labels && labels[value] ? value + " — " + labels[value] : value);
    });
  }

  function innovationItem(feature) {
    var p = feature.properties;
    var c = feature.geometry.coordinates;
    var marker = L.circleMarker([c[1], c[0]], { radius: 8, color: "#ffffff", weight: 1.5, className: "map-innovation",
      fillColor: "#888888", fillOpacity: 0.9 });
    marker.bindPopup(popup(p, [[msg.carrier, p.carrier], [msg.need, p.need],
      [msg.status, p.status_label], [msg.sphere, p.sphere_label], [msg.edition, p.edition],
      [msg.place, p.place], [msg.located_by, msg["located_" + p.located_by] || p.located_by]]));
    marker.feature = feature;
    return { feature: feature, marker: marker };
  }

  function stageItem(feature) {
    var p = feature.properties;
    var c = feature.geometry.coordinates;
    var icon = L.divIcon({ className: "map-stage", html: stageLabel(p.number ? String(p.number) : "•"),
      iconSize: [20, 20], iconAnchor: STAGE_ANCHOR });
    var marker = L.marker([c[1], c[0]], { icon: icon, title: p.name, zIndexOffset: 500,
      stageNumber: p.number });
    marker.bindPopup(popup(p, [[msg.stage, p.number], [msg.edition, p.edition], [msg.date, p.date],
      [msg.place, p.place], [msg.organisers, p.organisers], [msg.presented, p.innovations]]));
    return { feature: feature, marker: marker };
  }

  function buildInnovations(data) {
    var editions = {}, statuses = {}, needs = {}, spheres = {};
    state.unlocated = (data.unlocated || []).length;
    state.innovations = data.features.map(function (feature) {
      var p = feature.properties;
      if (p.edition) { editions[p.edition] = true; }
      if (p.status) { statuses[p.status] = true; state.statusLabels[p.status] = p.status_label; }
      if (p.sphere) { spheres[p.sphere] = true; state.sphereLabels[p.sphere] = p.sphere_label; }
      var needLabels = (p.need || "").split("; ");
      (p.needs || []).forEach(function (code, i) { needs[code] = true; state.needLabels[code] = needLabels[i] || ""; });
      return innovationItem(feature);
    });
    return { editions: editions, statuses: statuses, needs: needs, spheres: spheres };
  }

  function facetsOf(name) {
    // server mode: the values the server found, with their labels
    var facets = config.facets[name] || {};
    Object.assign(state.statusLabels, facets.status || {});
    Object.assign(state.sphereLabels, facets.sphere || {});
    Object.assign(state.needLabels, facets.need || {});
    return { editions: Object.assign({}, facets.edition || {}), statuses: facets.status || {},
      needs: facets.need || {}, spheres: facets.sphere || {} };
  }

  function buildStages(data, editions) {
    state.stages = data.features.map(function (feature) {
      if (feature.properties.edition) { editions[feature.properties.edition] = true; }
      return stageItem(feature);
    });
  }

  fetchJson(config.departments).then(function (outlines) {
    var layer = L.geoJSON(outlines, { style: { color: "#123b5a", weight: 1.5, fillColor: "#ffffff", fillOpacity: 0.6 },
      onEachFeature: function (feature, l) { l.bindTooltip(feature.properties.nom + " (" + feature.properties.code + ")"); } });
    layer.addTo(map);
    layer.bringToBack();
    map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    return Promise.all(["innovations", "stages"].map(function (name) {
      return server(name) ? null : fetchJson(config.layers[name]);
    }));
  }).then(function (layers) {
    var found = server("innovations") ? facetsOf("innovations") : buildInnovations(layers[0]);
    if (server("stages")) { Object.assign(found.editions, facetsOf("stages").editions); }
    else { buildStages(layers[1], found.editions); }
    fillSelect(controls.edition, Object.keys(found.editions));
    fillSelect(controls.status, Object.keys(found.statuses), state.statusLabels);
    fillSelect(controls.need, Object.keys(found.needs), state.needLabels);
    fillSelect(controls.sphere, Object.keys(found.spheres), state.sphereLabels);
    restyle();
    return applyFilters();
  }).then(function () {
    // a popup's auto-pan moves the map too: refreshing then would redraw the clusters and remove
    // the marker whose popup just opened, so that one move is not a new viewport to fetch
    var panningForPopup = false;
    map.on("autopanstart", function () { panningForPopup = true; });
    map.on("moveend", function () {
      if (panningForPopup) { panningForPopup = false; return; }
      ["innovations", "stages"].forEach(function (name) { if (server(name)) { refreshServer(name); } });
    });
    document.body.dataset.mapReady = "1";
  }).catch(function (err) {
    $("map-count").textContent = msg.load_failed + " (" + err.message + ")";
  });

  [controls.edition, controls.status, controls.need, controls.sphere, controls.stages].forEach(function (c) {
    c.addEventListener("change", applyFilters);
  });
  controls.colour.addEventListener("change", restyle);
  $("map-controls").addEventListener("submit", function (e) { e.preventDefault(); });
}());
