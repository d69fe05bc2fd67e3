/* Rankings filters: submit on change (the URL keeps the state); the button still works without JS. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  form.querySelectorAll("select").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.name === "index") {
        var year = form.querySelector("[name=year]");
        if (year) { year.value = ""; year.disabled = true; }
        var component = form.querySelector("[name=component]");
        if (component) { component.disabled = true; }
        var sort = form.querySelector("[name=sort]");
        if (sort) { sort.disabled = true; }
      }
      if (select.name === "component") {
        var sortField = form.querySelector("[name=sort]");
        if (sortField) { sortField.value = ""; }
      }
      form.requestSubmit();
    });
  });
  // Empty fields stay out of the URL, so a shared link is short.
  form.addEventListener("submit", function () {
    form.querySelectorAll("input, select").forEach(function (field) {
      if (!field.value) { field.disabled = true; }
    });
  });
})();
