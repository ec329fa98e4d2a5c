// svodka UI: hover cards for entities and events, layer toggles. No library, no inline script:
// the page's data arrives as JSON in <script type="application/json"> and is shown as text only.
(function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    if (!node) return {};
    try { return JSON.parse(node.textContent); } catch (e) { return {}; }
  }

  var TYPES = { PER: "персона", ORG: "организация", GPE: "государство", LOC: "место", FAC: "объект", EVT: "событие" };
  var entities = data("svodka-entities");
  var events = data("svodka-events");
  var tip = document.getElementById("tip");

  function line(parent, text, cls) {
    var el = document.createElement(cls === "b" ? "b" : "div");
    if (cls && cls !== "b") el.className = cls;
    el.textContent = text;  // never innerHTML: names and quotes come from article text
    parent.appendChild(el);
  }

  function show(target, fill) {
    if (!tip) return;
    tip.replaceChildren();
    fill(tip);
    tip.hidden = false;
    var r = target.getBoundingClientRect();
    tip.style.left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - 340)) + "px";
    tip.style.top = (window.scrollY + r.bottom + 6) + "px";
  }

  function hide() { if (tip) tip.hidden = true; }

  function highlight(id, on) {
    document.querySelectorAll('.text [data-entity="' + CSS.escape(id) + '"].ent').forEach(function (el) {
      el.classList.toggle("hl", on);
    });
  }

  var text = document.getElementById("article-text");
  if (text) {
    text.addEventListener("mouseover", function (ev) {
      var t = ev.target.closest("[data-entity], [data-event]");
      if (!t || !text.contains(t)) return;
      if (t.dataset.event) {
        var e = events[t.dataset.event];
        if (!e) return;
        show(t, function (box) {
          line(box, e.label + " (" + e.type + (e.cameo ? ", CAMEO " + e.cameo : "") + ")", "b");
          if (e.source.length || e.target.length) line(box, e.source.join(", ") + " → " + e.target.join(", "));
          if (e.date) line(box, e.date, "t");
          if (e.intent) line(box, "намерение", "t");
          if (e.negated) line(box, "отрицание", "t");
        });
        return;
      }
      var id = t.dataset.entity, ent = entities[id];
      if (!ent) return;
      highlight(id, true);
      show(t, function (box) {
        line(box, ent.name, "b");
        line(box, (TYPES[ent.type] || ent.type) + (ent.country ? " · " + ent.country : "") + (ent.kb ? " · " + ent.kb : ""), "t");
        if (ent.roles && ent.roles.length) line(box, ent.roles.join("; "));
        line(box, "упоминаний: " + ent.mentions, "t");
      });
    });
    text.addEventListener("mouseout", function (ev) {
      var t = ev.target.closest("[data-entity]");
      if (t) highlight(t.dataset.entity, false);
      hide();
    });
    text.addEventListener("click", function (ev) {
      var t = ev.target.closest("[data-entity]");
      var ent = t && entities[t.dataset.entity];
      if (ent && ent.href) window.location.href = ent.href;
    });
  }

  document.querySelectorAll("input[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (text) text.classList.toggle("hide-" + box.dataset.layer, !box.checked);
    });
  });
})();
