/*
 * The admin export page's "Select all" box (django-import-export): bound here rather than with
 * an inline onchange attribute, which the Content-Security-Policy refuses.
 * onSelectToggleChange comes from import_export/export_selectable_fields.js.
 */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll(".select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", onSelectToggleChange);
  });
});
