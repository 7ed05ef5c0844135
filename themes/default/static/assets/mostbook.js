// mostbook: search (works from file://: the index is a script), theme toggle, print button,
// tree folding buttons.
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

  // Trees: "expand all" / "collapse all" buttons (the tree works without them).
  var labels = document.documentElement.getAttribute("data-tree-labels");
  Array.prototype.forEach.call(document.querySelectorAll("[data-tree]"), function (box) {
    var all = box.querySelectorAll("details");
    if (all.length < 2 || !labels) return;
    var bar = document.createElement("div");
    bar.className = "mb-tree-tools";
    labels.split("|").forEach(function (label, k) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "mb-button";
      b.textContent = label;
      b.addEventListener("click", function () {
        Array.prototype.forEach.call(all, function (d) { d.open = k === 0; });
      });
      bar.appendChild(b);
    });
    box.insertBefore(bar, box.firstChild);
  });

  // Printing shows every folded part; they fold back afterwards.
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      reopened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
  });

  // When the menu is wider than the screen it scrolls sideways: bring the current page
  // into view and fade the edges that hide more links.
  var strip = document.querySelector(".mb-nav ul");
  if (strip) {
    var edges = function () {
      var max = strip.scrollWidth - strip.clientWidth;
      strip.classList.toggle("mb-more-left", max > 1 && strip.scrollLeft > 1);
      strip.classList.toggle("mb-more-right", max > 1 && strip.scrollLeft < max - 1);
    };
    var current = strip.querySelector("[aria-current]");
    if (current && strip.scrollWidth > strip.clientWidth) {
      strip.scrollLeft = current.offsetLeft - strip.offsetLeft - strip.clientWidth / 2 + current.offsetWidth / 2;
    }
    edges();
    strip.addEventListener("scroll", edges, { passive: true });
    window.addEventListener("resize", edges);
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
  // "/" jumps to the search box, as on many sites.
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target && ev.target.tagName) || "";
    if (ev.key === "/" && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !/INPUT|TEXTAREA|SELECT/.test(tag) && !ev.target.isContentEditable) {
      ev.preventDefault();
      input.focus();
    }
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = list.querySelector("a");
    if (first) window.location.href = first.href;
  });
})();
