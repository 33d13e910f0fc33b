/*
 * Draws the offer map from data: each `[data-offer-map]` element names a json_script element
 * holding the document built by offermap.maps.map_document (view, tiles, layers, legend).
 *
 * Every piece of text from the data is set with textContent (or as a DOM attribute value), and
 * the few strings Leaflet itself writes as HTML (layer names, tile attribution) are escaped
 * first, so no name in the data can ever be read as markup or script. Links in popups must be
 * paths on this site. Maps are drawn on page load and again when htmx swaps in new results.
 */
(function () {
  "use strict";

  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;
  var STYLE_NUMBERS = ["fillOpacity", "weight"];
  // A map narrower than this (a phone's, or a small window's) folds its layer list into a
  // button: open, the list would cover a third of the map and the popups under it.
  var NARROW_MAP = 480;

  function escapeHtml(text) {
    var box = document.createElement("div");
    box.textContent = String(text);
    return box.innerHTML;
  }

  function sameSitePath(url) {
    if (typeof url !== "string" || !/^\/(?![\/\\])/.test(url)) {
      return null;
    }
    var resolved = new URL(url, window.location.href);
    return resolved.origin === window.location.origin ? resolved.pathname + resolved.search : null;
  }

  function textElement(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    element.textContent = text == null ? "" : String(text);
    return element;
  }

  // A line is {label, text}: the label (if any) in bold, then the text.
  function lineElement(tag, className, line) {
    var element = document.createElement(tag);
    element.className = className;
    if (line && line.label) {
      element.appendChild(textElement("span", "app-map-line__label", line.label + ": "));
    }
    element.appendChild(textElement("span", "app-map-line__text", line ? line.text : ""));
    return element;
  }

  function tooltipContent(lines) {
    var box = document.createElement("div");
    box.className = "app-map-tooltip";
    (lines || []).forEach(function (line) {
      box.appendChild(lineElement("div", "app-map-line", line));
    });
    return box;
  }

  function popupContent(popup) {
    var box = document.createElement("div");
    box.className = "app-map-popup";
    var link = sameSitePath(popup.link);
    var title;
    if (link) {
      title = textElement("a", "govuk-link app-map-popup__title", popup.title);
      title.setAttribute("href", link);
    } else {
      title = textElement("strong", "app-map-popup__title", popup.title);
    }
    box.appendChild(title);
    (popup.lines || []).forEach(function (line) {
      box.appendChild(lineElement("p", "app-map-line app-map-popup__line", line));
    });
    return box;
  }

  function bindText(layer, properties, tooltipOptions, popupOptions) {
    if (properties.tooltip && properties.tooltip.length) {
      layer.bindTooltip(tooltipContent(properties.tooltip), tooltipOptions);
    }
    if (properties.popup) {
      layer.bindPopup(popupContent(properties.popup), popupOptions);
    }
  }

  // Leaflet draws its controls above popups: a popup is panned into view below the controls
  // in the top corners (their height is set by controlsPadding once they are on the map), and
  // is never wider than the map (a phone's is narrower than 300 px plus the popup's margins).
  function popupOptions(map) {
    return {
      autoPanPaddingTopLeft: [5, 5],
      maxWidth: Math.max(150, Math.min(300, map.getSize().x - 60)),
    };
  }

  // Every popup's options hold this same padding array (Leaflet copies options shallowly and
  // reads the padding each time a popup opens), so setting it here reaches them all.
  function controlsPadding(map, options) {
    var bottom = 0;
    map.getContainer().querySelectorAll(".leaflet-top .leaflet-control").forEach(function (item) {
      bottom = Math.max(bottom, item.offsetTop + item.offsetHeight);
    });
    options.autoPanPaddingTopLeft[1] = bottom + 5;
  }

  // Hatching is an SVG pattern (in one hidden <svg> per page): the band's colour with dark
  // diagonal stripes, like the legend's hatched swatch.
  function hatchFill(colour) {
    var id = "app-map-hatch-" + colour.slice(1).toLowerCase();
    if (!document.getElementById(id)) {
      var svgNs = "http://www.w3.org/2000/svg";
      var holder = document.getElementById("app-map-patterns");
      if (!holder) {
        holder = document.createElementNS(svgNs, "svg");
        holder.setAttribute("id", "app-map-patterns");
        holder.setAttribute("width", "0");
        holder.setAttribute("height", "0");
        holder.setAttribute("aria-hidden", "true");
        holder.setAttribute("focusable", "false");
        holder.style.position = "absolute";
        holder.appendChild(document.createElementNS(svgNs, "defs"));
        document.body.appendChild(holder);
      }
      var pattern = document.createElementNS(svgNs, "pattern");
      pattern.setAttribute("id", id);
      pattern.setAttribute("patternUnits", "userSpaceOnUse");
      pattern.setAttribute("width", "8");
      pattern.setAttribute("height", "8");
      pattern.setAttribute("patternTransform", "rotate(45)");
      var ground = document.createElementNS(svgNs, "rect");
      ground.setAttribute("width", "8");
      ground.setAttribute("height", "8");
      ground.setAttribute("fill", colour);
      var stripe = document.createElementNS(svgNs, "rect");
      stripe.setAttribute("width", "2");
      stripe.setAttribute("height", "8");
      stripe.setAttribute("fill", "#0b0c0c");
      pattern.appendChild(ground);
      pattern.appendChild(stripe);
      holder.firstChild.appendChild(pattern);
    }
    return "url(#" + id + ")";
  }

  // Only known path options, with colours that are colours, reach Leaflet.
  function pathStyle(style) {
    style = style || {};
    var result = {};
    ["fillColor", "color"].forEach(function (key) {
      if (typeof style[key] === "string" && COLOUR.test(style[key])) {
        result[key] = style[key];
      }
    });
    STYLE_NUMBERS.forEach(function (key) {
      if (typeof style[key] === "number" && isFinite(style[key])) {
        result[key] = style[key];
      }
    });
    if (typeof style.dashArray === "string" && /^[0-9 ,.]+$/.test(style.dashArray)) {
      result.dashArray = style.dashArray;
    }
    if (style.hatched && result.fillColor) {
      result.fillColor = hatchFill(result.fillColor);
    }
    return result;
  }

  function areasLayer(layer, popup) {
    var shapes = L.geoJSON({type: "FeatureCollection", features: layer.features || []}, {
      style: function (feature) {
        return pathStyle(feature.properties.style || layer.style);
      },
      onEachFeature: function (feature, path) {
        bindText(path, feature.properties, {sticky: true}, popup);
        if (layer.highlight) {
          path.on("mouseover", function () {
            path.setStyle({weight: 4});
          });
          path.on("mouseout", function () {
            shapes.resetStyle(path);
          });
        }
      },
    });
    return shapes;
  }

  function markerIcon(element) {
    // Named explicitly, because Leaflet's own guess from its stylesheet fails with hashed
    // static file names (it would ask for /marker-icon.png).
    return L.icon({
      iconUrl: element.dataset.iconUrl,
      iconRetinaUrl: element.dataset.iconRetinaUrl,
      shadowUrl: element.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41],
    });
  }

  function markersLayer(layer, icon, popup) {
    var group = layer.cluster ? L.markerClusterGroup({animate: false}) : L.featureGroup();
    var markers = [];
    (layer.markers || []).forEach(function (item) {
      if (typeof item.lat !== "number" || typeof item.lon !== "number") {
        return;
      }
      var name = String(item.name == null ? "" : item.name);
      var marker = L.marker([item.lat, item.lon], {
        icon: icon, title: name, alt: name, keyboard: true,
      });
      bindText(marker, {
        tooltip: item.tooltip || [{label: null, text: name}], popup: item.popup,
      }, {}, popup);
      markers.push(marker);
    });
    if (group.addLayers) {
      group.addLayers(markers);
    } else {
      markers.forEach(function (marker) { group.addLayer(marker); });
    }
    return group;
  }

  // Place names (LCPAs, districts) as text on the map; the text is set with textContent.
  function labelsLayer(layer) {
    var group = L.layerGroup();
    (layer.labels || []).forEach(function (item) {
      if (typeof item.lat !== "number" || typeof item.lon !== "number") {
        return;
      }
      // "action": an LCPA's open board actions, written under its name.
      var kind = item.kind === "district" || item.kind === "action" ? item.kind : "lcpa";
      // A zero-size icon whose text is centred on the point by CSS (.app-map-label__text).
      L.marker([item.lat, item.lon], {
        icon: L.divIcon({
          className: "app-map-label app-map-label--" + kind,
          html: textElement("span", "app-map-label__text", item.text),
          iconSize: [0, 0],
        }),
        interactive: false, keyboard: false,
      }).addTo(group);
    });
    return group;
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.offerMap);
    if (!source || element.leafletMap) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var view = data.view || {};
    var map = L.map(element, {
      center: view.center,
      zoom: view.zoom,
      minZoom: view.minZoom,
      maxZoom: view.maxZoom,
      // No zoom or fade animations: calmer for people who are sensitive to motion, and the
      // map is never caught half-way with markers on top of each other.
      zoomAnimation: false,
      fadeAnimation: false,
      markerZoomAnimation: false,
    });
    element.leafletMap = map;
    L.control.scale().addTo(map);
    var bases = {};
    if (data.tiles && typeof data.tiles.url === "string") {
      bases["Base map"] = L.tileLayer(data.tiles.url, {
        attribution: escapeHtml(data.tiles.attribution || "Base map"),
        maxZoom: view.maxZoom,
      }).addTo(map);
    }
    var overlays = {};
    var icon = markerIcon(element);
    var popup = popupOptions(map);
    (data.layers || []).forEach(function (layer) {
      var drawn = layer.kind === "markers" ? markersLayer(layer, icon, popup)
        : layer.kind === "labels" ? labelsLayer(layer) : areasLayer(layer, popup);
      drawn.addTo(map);
      overlays[escapeHtml(layer.name)] = drawn;
    });
    if (data.layer_control) {
      L.control.layers(bases, overlays, {collapsed: map.getSize().x < NARROW_MAP}).addTo(map);
    }
    controlsPadding(map, popup);
    if (view.bounds) {
      map.fitBounds(view.bounds);
    }
  }

  function drawWithin(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    if (root.matches && root.matches("[data-offer-map]")) {
      draw(root);
    }
    root.querySelectorAll("[data-offer-map]").forEach(draw);
  }

  document.addEventListener("htmx:load", function (event) {
    drawWithin(event.detail.elt);
  });
  // A map swapped out by htmx is taken down, so it stops listening to the window.
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var map = event.target.leafletMap;
    if (map) {
      map.remove();
      event.target.leafletMap = null;
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawWithin(document); });
  } else {
    drawWithin(document);
  }
}());
