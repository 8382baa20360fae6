/* The map page: Leaflet + markercluster, department outlines served by this site (works offline).
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
  var state = { innovations: [], stages: [], needLabels: {}, sphereLabels: {}, statusLabels: {} };
  window.rallynovMap = { map: map, cluster: cluster, stages: stagesLayer, state: state };

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
    state.innovations.forEach(function (item) {
      var key = colourKey(item.feature.properties);
      if (keys.indexOf(key) < 0) { keys.push(key); }
    });
    return keys.sort();
  }

  function restyle() {
    var keys = keysInUse();
    state.innovations.forEach(function (item) {
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
    var shown = state.innovations.filter(function (item) { return matches(item.feature.properties, true); });
    cluster.clearLayers();
    cluster.addLayers(shown.map(function (item) { return item.marker; }));
    stagesLayer.clearLayers();
    var stagesShown = controls.stages.checked ?
      state.stages.filter(function (item) { return matches(item.feature.properties, false); }) : [];
    stagesLayer.addLayers(stagesShown.map(function (item) { return item.marker; }));
    stagesLayer.refreshClusters();
    var count = $("map-count");
    count.textContent = shown.length + " / " + state.innovations.length + " " + msg.innovations + " · " +
      stagesShown.length + " " + msg.stages + " " + msg.shown + (state.unlocated ? " · " + state.unlocated + " " + msg.unlocated : "");
    count.dataset.innovations = String(shown.length);
    count.dataset.stages = String(stagesShown.length);
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

  function buildInnovations(data) {
    var editions = {}, statuses = {}, needs = {}, spheres = {};
    state.unlocated = (data.unlocated || []).length;
    state.innovations = data.features.map(function (feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      if (p.edition) { editions[p.edition] = true; }
      if (p.status) { statuses[p.status] = true; state.statusLabels[p.status] = p.status_label; }
      if (p.sphere) { spheres[p.sphere] = true; state.sphereLabels[p.sphere] = p.sphere_label; }
      var needLabels = (p.need || "").split("; ");
      (p.needs || []).forEach(function (code, i) { needs[code] = true; state.needLabels[code] = needLabels[i] || ""; });
      var marker = L.circleMarker([c[1], c[0]], { radius: 8, color: "#ffffff", weight: 1.5, className: "map-innovation",
        fillColor: "#888888", fillOpacity: 0.9 });
      marker.bindPopup(popup(p, [[msg.carrier, p.carrier], [msg.need, p.need],
        [msg.status, p.status_label], [msg.sphere, p.sphere_label], [msg.edition, p.edition],
        [msg.place, p.place], [msg.located_by, msg["located_" + p.located_by] || p.located_by]]));
      marker.feature = feature;
      return { feature: feature, marker: marker };
    });
    return { editions: editions, statuses: statuses, needs: needs, spheres: spheres };
  }

  function buildStages(data, editions) {
    state.stages = data.features.map(function (feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      if (p.edition) { editions[p.edition] = true; }
      var icon = L.divIcon({ className: "map-stage", html: stageLabel(p.number ? String(p.number) : "•"),
        iconSize: [20, 20], iconAnchor: STAGE_ANCHOR });
      var marker = L.marker([c[1], c[0]], { icon: icon, title: p.name, zIndexOffset: 500,
        stageNumber: p.number });
      marker.bindPopup(popup(p, [[msg.stage, p.number], [msg.edition, p.edition], [msg.date, p.date],
        [msg.place, p.place], [msg.organisers, p.organisers], [msg.presented, p.innovations]]));
      return { feature: feature, marker: marker };
    });
  }

  fetchJson(config.departments).then(function (outlines) {
    var layer = L.geoJSON(outlines, { style: { color: "#123b5a", weight: 1.5, fillColor: "#ffffff", fillOpacity: 0.6 },
      onEachFeature: function (feature, l) { l.bindTooltip(feature.properties.nom + " (" + feature.properties.code + ")"); } });
    layer.addTo(map);
    layer.bringToBack();
    map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    return Promise.all([fetchJson(config.layers.innovations), fetchJson(config.layers.stages)]);
  }).then(function (layers) {
    var found = buildInnovations(layers[0]);
    buildStages(layers[1], found.editions);
    fillSelect(controls.edition, Object.keys(found.editions));
    fillSelect(controls.status, Object.keys(found.statuses), state.statusLabels);
    fillSelect(controls.need, Object.keys(found.needs), state.needLabels);
    fillSelect(controls.sphere, Object.keys(found.spheres), state.sphereLabels);
    restyle();
    applyFilters();
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
