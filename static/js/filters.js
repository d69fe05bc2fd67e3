/* Rankings filters. The form is a plain GET form (the URL holds the state; it works without JS).
   No auto-submit on change: keyboard users move through a select's options with the arrow keys,
   and each move must not reload the page (WCAG 3.2.2). On submit, empty fields stay out of the URL
   and a new index drops the year, component and sort that belonged to the old one. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var index = form.querySelector("[name=index]");
  var component = form.querySelector("[name=component]");
  var initialIndex = index ? index.value : null;
  var initialComponent = component ? component.value : null;
  form.addEventListener("submit", function () {
    var drop = [];
    if (index && index.value !== initialIndex) { drop = ["year", "component", "sort"]; }
    else if (component && component.value !== initialComponent) { drop = ["sort"]; }
    drop.forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (field) { field.disabled = true; }
    });
    form.querySelectorAll("input, select").forEach(function (field) {
      if (!field.value) { field.disabled = true; }
    });
  });
})();
