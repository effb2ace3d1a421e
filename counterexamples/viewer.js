/* failspec viewer: inlined into every page by counterexamples/viewer.py.
   Reads the JSON in #failspec-data; writes model strings with textContent only. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("failspec-data").textContent);
  var events = data.events;
  var count = events.length;

  // states[i + 1]: every component's [status, note] after event i; states[0]: before any.
  var states = [data.initial];
  data.changes.forEach(function (changes) {
    var next = Object.assign({}, states[states.length - 1]);
    changes.forEach(function (change) { next[change[0]] = [change[1], change[2]]; });
    states.push(next);
  });

  var nodes = {};
  document.querySelectorAll("#graph-svg .node").forEach(function (g) { nodes[g.getAttribute("data-name")] = g; });
  var edges = Array.prototype.slice.call(document.querySelectorAll("#graph-svg .edge"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("#timeline tr.event"));
  var gotos = Array.prototype.slice.call(document.querySelectorAll("button.goto"));
  var slider = document.getElementById("slider");
  var now = document.getElementById("now");
  var counter = document.getElementById("counter");
  var graphTime = document.getElementById("graph-time");
  var selectedEvent = document.getElementById("selected-event");
  var changesList = document.getElementById("changes");
  var buttons = {
    first: document.getElementById("first"),
    prev: document.getElementById("prev"),
    next: document.getElementById("next"),
    last: document.getElementById("last")
  };
  var selected = count - 1;
  var HEALTHY = { up: true, waiting: true, degraded: true };

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function clock(at) {
    var day = Math.floor(at / 86400), within = at % 86400;
    var text = pad(Math.floor(within / 3600)) + ":" + pad(Math.floor(within % 3600 / 60)) + ":" + pad(within % 60);
    return day === 0 ? text : "day " + (day + 1) + " " + text;
  }

  function fit(text, chars) {
    if (text.length <= chars) { return text; }
    return chars > 1 ? text.slice(0, chars - 1) + "\u2026" : "";
  }

  function label(status) { return data.labels[status] || status; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function paintNodes(state, index) {
    var current = index >= 0 ? events[index].component : null;
    Object.keys(nodes).forEach(function (name) {
      var g = nodes[name], s = state[name] || ["up", ""];
      var lbl = label(s[0]);
      var chars = parseInt(g.querySelector(".status").getAttribute("data-fit"), 10);
      g.setAttribute("data-status", s[0]);
      g.classList.toggle("current", name === current);
      g.querySelector(".status .label").textContent = lbl;
      g.querySelector(".status .note").textContent = s[1] ? fit(" \u00b7 " + s[1], chars - lbl.length) : "";
      g.querySelector("title").textContent = name + " (" + g.getAttribute("data-kind") + "): " + lbl + (s[1] ? " \u00b7 " + s[1] : "");
    });
    edges.forEach(function (path) {
      var reader = state[path.getAttribute("data-reader")], read = state[path.getAttribute("data-read")];
      var live = reader && read && !HEALTHY[reader[0]] && !HEALTHY[read[0]];
      path.classList.toggle("live", !!live);
    });
  }

  function describeChanges(index) {
    changesList.textContent = "";
    if (index < 0) {
      changesList.appendChild(el("li", "", "Before the first event: every component is up and no job has started."));
      return;
    }
    var before = states[index], changes = data.changes[index];
    if (!changes.length) {
      changesList.appendChild(el("li", "", "No status changed: " + events[index].component + " stays " + label((before[events[index].component] || ["up"])[0]) + "."));
      return;
    }
    changes.forEach(function (change) {
      var old = before[change[0]] || ["up", ""];
      var item = el("li");
      item.appendChild(el("span", "component", change[0]));
      item.appendChild(document.createTextNode(": "));
      item.appendChild(el("span", "from", label(old[0])));
      item.appendChild(document.createTextNode(" \u2192 "));
      item.appendChild(el("span", "status-word", label(change[1])));
      if (change[2]) { item.appendChild(el("span", "cause", " (" + change[2] + ")")); }
      changesList.appendChild(item);
    });
  }

  function describeEvent(index) {
    selectedEvent.textContent = "";
    if (index < 0) {
      selectedEvent.appendChild(el("span", "", "None yet: the trace starts at 00:00:00."));
      return;
    }
    var e = events[index];
    selectedEvent.appendChild(el("time", "", e.time));
    selectedEvent.appendChild(document.createTextNode(" "));
    selectedEvent.appendChild(el("span", "component", e.component));
    selectedEvent.appendChild(document.createTextNode(" "));
    selectedEvent.appendChild(el("b", "change", e.change));
    if (e.explanation) {
      selectedEvent.appendChild(document.createTextNode(" "));
      selectedEvent.appendChild(el("span", "cause", e.explanation));
    }
  }

  function render(index, at) {
    selected = index;
    var state = states[index + 1];
    paintNodes(state, index);
    var causes = index >= 0 ? data.causes[index] : [];
    rows.forEach(function (row, i) {
      row.classList.toggle("selected", i === index);
      row.classList.toggle("cause-of-selected", causes.indexOf(i) >= 0);
      row.classList.toggle("after", i > index);
      row.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    gotos.forEach(function (button) {
      button.classList.toggle("selected", parseInt(button.getAttribute("data-index"), 10) === index);
    });
    now.textContent = clock(at);
    graphTime.textContent = clock(at);
    counter.textContent = index >= 0 ? "event " + (index + 1) + " of " + count : "before the first of " + count + " events";
    slider.value = String(at);
    buttons.first.disabled = buttons.prev.disabled = index < 0;
    buttons.next.disabled = buttons.last.disabled = index >= count - 1;
    describeEvent(index);
    describeChanges(index);
  }

  function select(index) {
    index = Math.max(-1, Math.min(count - 1, index));
    render(index, index >= 0 ? events[index].at : 0);
    if (index >= 0) { reveal(rows[index]); }
  }

  // Scroll the timeline box (not the page) so that the selected row is visible.
  function reveal(row) {
    var box = document.querySelector(".timeline-scroll");
    if (!box || row.offsetParent === null) { return; }
    var r = row.getBoundingClientRect(), b = box.getBoundingClientRect();
    var head = box.querySelector("thead").getBoundingClientRect().height;
    if (r.top < b.top + head) {
      box.scrollTop -= b.top + head - r.top;
    } else if (r.bottom > b.bottom) {
      box.scrollTop += r.bottom - b.bottom;
    }
  }

  function selectInstant(at) {
    var index = -1;
    for (var i = 0; i < count && events[i].at <= at; i++) { index = i; }
    render(index, at);
  }

  buttons.first.addEventListener("click", function () { select(0); });
  buttons.prev.addEventListener("click", function () { select(selected - 1); });
  buttons.next.addEventListener("click", function () { select(selected + 1); });
  buttons.last.addEventListener("click", function () { select(count - 1); });
  slider.addEventListener("input", function () { selectInstant(parseInt(slider.value, 10)); });
  rows.forEach(function (row, i) { row.addEventListener("click", function () { select(i); }); });
  gotos.forEach(function (button) {
    button.addEventListener("click", function () { select(parseInt(button.getAttribute("data-index"), 10)); });
  });
  document.getElementById("chain-only").addEventListener("change", function (event) {
    document.querySelector("#timeline table").classList.toggle("chain-only", event.target.checked);
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && target.tagName === "INPUT" && target.type !== "range" && target.type !== "checkbox") { return; }
    var moves = { ArrowRight: selected + 1, ArrowLeft: selected - 1, Home: 0, End: count - 1 };
    if (!(event.key in moves)) { return; }
    event.preventDefault();
    select(moves[event.key]);
  });

  select(count - 1);
})();
