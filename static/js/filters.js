/*
 * On a phone the map comes first: the filters start folded into their "Filters" summary (one
 * line), so the map is in the first screen. Without JavaScript they stay open.
 */
(function () {
  "use strict";
  var details = document.getElementById("filters-details");
  if (details && window.matchMedia("(max-width: 40.0525em)").matches) {
    details.open = false;
  }
}());
