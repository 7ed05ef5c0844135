// mostbook: search (works from file://: the index is a script), theme toggle, print button.
// Everything here is an enhancement; navigation works without JavaScript.
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || "";

  // Theme toggle: remembered per browser; the default follows the system.
  var toggle = document.querySelector(".mb-theme-toggle");
  try {
    var saved = localStorage.getItem("mostbook-theme");
    if (saved) document.documentElement.setAttribute("data-theme", saved);
  } catch (e) {}
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var cur = document.documentElement.getAttribute("data-theme") ||
        (window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
      var next = cur === "dark" ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", next);
      try { localStorage.setItem("mostbook-theme", next); } catch (e) {}
    });
  }

  var printButton = document.querySelector(".mb-print-button");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  // Search.
  var form = document.querySelector(".mb-search");
  if (!form) return;
  var input = form.querySelector("input");
  var list = form.querySelector(".mb-search-results");
  form.hidden = false;
  var loading = false;

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function load(then) {
    if (window.MOSTBOOK_SEARCH) return then();
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = root + "search-index.js";
    s.onload = function () {
      window.MOSTBOOK_SEARCH.forEach(function (e) { e.ft = fold(e.t); e.fb = fold(e.b); });
      then();
    };
    document.head.appendChild(s);
  }
  function snippet(entry, term) {
    var i = entry.fb.indexOf(term);
    if (i < 0) return entry.b.slice(0, 120);
    var start = Math.max(0, i - 50);
    return (start > 0 ? "…" : "") + entry.b.slice(start, i + 90) + "…";
  }
  function render() {
    var q = fold(input.value.trim());
    list.textContent = "";
    if (q.length < 2 || !window.MOSTBOOK_SEARCH) return;
    var terms = q.split(/\s+/);
    var hits = [];
    window.MOSTBOOK_SEARCH.forEach(function (e) {
      var score = 0;
      for (var k = 0; k < terms.length; k++) {
        var inTitle = e.ft.indexOf(terms[k]) >= 0;
        if (!inTitle && e.fb.indexOf(terms[k]) < 0) return;
        score += inTitle ? 10 : 1;
      }
      hits.push([score, e]);
    });
    hits.sort(function (a, b) { return b[0] - a[0] || (a[1].t < b[1].t ? -1 : 1); });
    if (!hits.length) {
      var li = document.createElement("li");
      li.className = "mb-muted";
      li.textContent = input.getAttribute("data-no-results");
      list.appendChild(li);
      return;
    }
    hits.slice(0, 20).forEach(function (h) {
      var e = h[1];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e.u;
      a.textContent = e.t;
      var small = document.createElement("small");
      small.textContent = e.s + (e.n ? " · " + e.n : "") + " — " + snippet(e, terms[0]);
      a.appendChild(small);
      li.appendChild(a);
      list.appendChild(li);
    });
  }
  input.addEventListener("focus", function () { load(render); });
  input.addEventListener("input", function () { load(render); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { input.value = ""; list.textContent = ""; }
    if (ev.key === "ArrowDown") { var first = list.querySelector("a"); if (first) { ev.preventDefault(); first.focus(); } }
  });
  list.addEventListener("keydown", function (ev) {
    var a = document.activeElement;
    if (!a || a.tagName !== "A") return;
    var li = a.parentNode;
    if (ev.key === "ArrowDown" && li.nextSibling) { ev.preventDefault(); li.nextSibling.querySelector("a").focus(); }
    if (ev.key === "ArrowUp") { ev.preventDefault(); if (li.previousSibling) li.previousSibling.querySelector("a").focus(); else input.focus(); }
  });
  // `?q=words` opens the page with a search already run (shareable search links).
  var m = /[?&]q=([^&#]*)/.exec(window.location.search);
  if (m) {
    input.value = decodeURIComponent(m[1].replace(/\+/g, " "));
    load(render);
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = list.querySelector("a");
    if (first) window.location.href = first.href;
  });
})();
