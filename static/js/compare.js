/* Compare picker. The page lists only the units being compared; the field "them" adds one by name.
   Without JS the server resolves the typed name (diacritics optional). With JS, the first time the
   field is used, the list of units is fetched from its own cached URL (data-units-url) into the
   datalist: each option's value is the unit's label, its label the same text without diacritics, so
   typing "Bac Lieu" suggests "Bạc Liêu". On submit a label picked from the list is sent as its slug
   (p=…, no lookup needed) and an empty field stays out of the URL. No auto-submit (WCAG 3.2.2). */
(function () {
  "use strict";
  var form = document.getElementById("compare-form");
  var input = form && form.querySelector("input[name=them]");
  var list = input && document.getElementById(input.getAttribute("list"));
  if (!input || !list || !input.dataset.unitsUrl) { return; }
  var slugs = null;
  var loading = false;

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D");
  }

  function fill(units) {
    var options = document.createDocumentFragment();
    slugs = {};
    units.forEach(function (unit) {
      slugs[unit.label] = unit.slug;
      var option = document.createElement("option");
      option.value = unit.label;
      var ascii = plain(unit.label);
      if (ascii !== unit.label) { option.label = ascii; }
      options.appendChild(option);
    });
    list.textContent = "";
    list.appendChild(options);
  }

  function load() {
    if (slugs || loading) { return; }
    loading = true;
    fetch(input.dataset.unitsUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { fill(data.units || []); })
      .catch(function () { /* no suggestions: the server still resolves a typed name */ })
      .then(function () { loading = false; });
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", load);
  form.addEventListener("submit", function () {
    var typed = input.value.trim();
    var slug = slugs && Object.prototype.hasOwnProperty.call(slugs, typed) ? slugs[typed] : null;
    var full = form.querySelectorAll("input[name=p]:checked").length >= Number(input.dataset.max || 6);
    if (slug && !full) {
      var chosen = form.querySelector("input[name=p][value=\"" + CSS.escape(slug) + "\"]");
      if (!chosen) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "p";
        hidden.value = slug;
        hidden.setAttribute("data-added", "");
        form.appendChild(hidden);
      } else {
        chosen.checked = true;
      }
      input.disabled = true;
    } else if (!typed) {
      input.disabled = true;
    }
  });
  // Back/forward cache: the page comes back as it was submitted; make the field usable again.
  window.addEventListener("pageshow", function () {
    input.disabled = false;
    form.querySelectorAll("input[data-added]").forEach(function (field) { field.remove(); });
  });
})();
