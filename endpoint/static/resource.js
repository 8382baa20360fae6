/* The small map of a resource page: its place(s) as markers over the department outlines.
 *
 * Everything comes from data-* attributes of #resource-map (points as JSON, the outlines'
 * URL, an optional tile URL); labels are set as text, never as HTML. No tile layer unless the
 * server is configured with one (TILE_URL), so the map works offline.
 */
(function () {
  "use strict";
  var box = document.getElementById("resource-map");
  if (!box || !window.L) {
    return;
  }
  var points = JSON.parse(box.getAttribute("data-points") || "[]");
  var map = L.map(box, { scrollWheelZoom: false, attributionControl: true });
  var tiles = box.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
  }

  var markers = L.featureGroup().addTo(map);
  points.forEach(function (point) {
    var popup = document.createElement(point.href ? "a" : "span");
    popup.textContent = point.label;
    if (point.href) {
      popup.setAttribute("href", point.href);
    }
    L.marker([point.lat, point.long], { title: point.label }).bindPopup(popup).addTo(markers);
  });
  if (points.length) {
    map.setView([points[0].lat, points[0].long], 8);
  } else {
    map.setView([47.1, 6.2], 7);
  }

  var outlinesUrl = box.getAttribute("data-outlines");
  if (!outlinesUrl) {
    return;
  }
  fetch(outlinesUrl)
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (data) {
      if (!data) {
        return;
      }
      var outlines = L.geoJSON(data, {
        interactive: false,
        attribution: box.getAttribute("data-outlines-attribution") || "",
        style: { color: "#123b5a", weight: 1.5, fillColor: "#9fc3dc", fillOpacity: 0.25 },
      }).addTo(map);
      outlines.bringToBack();
      var bounds = outlines.getBounds();
      if (points.length) {
        bounds.extend(markers.getBounds());
      }
      map.fitBounds(bounds, { padding: [10, 10] });
      box.setAttribute("data-ready", "true");
    });
})();
