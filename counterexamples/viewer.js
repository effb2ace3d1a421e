/* failspec viewer: inlined into every page by counterexamples/viewer.py.
   Reads the JSON in #failspec-data (facts and ready-made words: it parses none of them);
   writes model strings with textContent only. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("failspec-data").textContent);
  var events = data.events;
  var count = events.length;

  // states[i + 1]: every component's [status, label, note] after event i; states[0]: before any.
  var states = [data.initial];
  data.changes.forEach(function (changes) {
    var next = Object.assign({}, states[states.length - 1]);
    changes.forEach(function (change) { next[change[0]] = [change[1], change[2], change[3]]; });
    states.push(next);
  });

  var nodes = {};
  document.querySelectorAll("#graph-svg .node").forEach(function (g) { nodes[g.getAttribute("data-name")] = g; });
  var edges = Array.prototype.slice.call(document.querySelectorAll("#graph-svg .edge"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("#timeline tr.event"));
  var violationRow = document.getElementById("violation-row");
  var gotos = Array.prototype.slice.call(document.querySelectorAll("button.goto"));
  var slider = document.getElementById("slider");
  var now = document.getElementById("now");
  var counter = document.getElementById("counter");
  var link = document.getElementById("event-link");
  var graphTime = document.getElementById("graph-time");
  var selectedEvent = document.getElementById("selected-event");
  var changesList = document.getElementById("changes");
  var buttons = {
    first: document.getElementById("first"),
    prev: document.getElementById("prev"),
    next: document.getElementById("next"),
    last: document.getElementById("last"),
    fault: document.getElementById("jump-fault"),
    violation: document.getElementById("jump-violation"),
    worst: document.getElementById("jump-worst")
  };
  var selected = count - 1;
  var HEALTHY = { up: true, waiting: true, running: true, done: true, degraded: true };

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

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // The fraction of its work a job has done by instant `at`, from its start, stalls and end.
  function progress(job, at) {
    var end = job.done === null ? at : Math.min(at, job.done);
    var worked = Math.max(0, end - job.start);
    job.stalls.forEach(function (stall) {
      var stop = stall[1] === null ? end : Math.min(stall[1], end);
      worked -= Math.max(0, stop - Math.max(stall[0], job.start));
    });
    return job.takes ? Math.max(0, Math.min(1, worked / job.takes)) : 1;
  }

  function paintNodes(state, current, at) {
    Object.keys(nodes).forEach(function (name) {
      var g = nodes[name], s = state[name] || ["up", "up", ""];
      var chars = parseInt(g.querySelector(".status").getAttribute("data-fit"), 10);
      g.setAttribute("data-status", s[0]);
      g.classList.toggle("current", name === current);
      g.querySelector(".status .label").textContent = s[1];
      g.querySelector(".status .note").textContent = s[2] ? fit(" \u00b7 " + s[2], chars - s[1].length) : "";
      g.querySelector("title").textContent = name + " (" + g.getAttribute("data-kind") + "): " + s[1] + (s[2] ? " \u00b7 " + s[2] : "");
      var bar = g.querySelector(".progress");
      if (bar && data.jobs[name]) {
        var width = parseInt(bar.getAttribute("data-width"), 10);
        bar.setAttribute("width", String(Math.round(width * progress(data.jobs[name], at))));
      }
    });
    edges.forEach(function (path) {
      var reader = state[path.getAttribute("data-reader")], read = state[path.getAttribute("data-read")];
      var live = reader && read && !HEALTHY[reader[0]] && !HEALTHY[read[0]];
      path.classList.toggle("live", !!live);
    });
  }

  function describeChanges(index, atViolation) {
    changesList.textContent = "";
    if (atViolation) {
      changesList.appendChild(el("li", "", "The state at the violation: the last event's, at " + data.violation.time + "."));
      return;
    }
    if (index < 0) {
      changesList.appendChild(el("li", "", "Before the first event: every component is up and no job has started."));
      return;
    }
    var before = states[index], changes = data.changes[index];
    if (!changes.length) {
      var same = before[events[index].component] || ["up", "up", ""];
      changesList.appendChild(el("li", "", "No status changed: " + events[index].component + " stays " + same[1] + "."));
      return;
    }
    changes.forEach(function (change) {
      var old = before[change[0]] || ["up", "up", ""];
      var item = el("li");
      item.appendChild(el("span", "component", change[0]));
      item.appendChild(document.createTextNode(": "));
      item.appendChild(el("span", "from", old[1]));
      item.appendChild(document.createTextNode(" \u2192 "));
      item.appendChild(el("span", "status-word", change[2]));
      if (change[3]) { item.appendChild(el("span", "cause", " (" + change[3] + ")")); }
      changesList.appendChild(item);
    });
  }

  function describeEvent(index, atViolation) {
    selectedEvent.textContent = "";
    if (atViolation) {
      selectedEvent.appendChild(el("time", "", data.violation.time));
      selectedEvent.appendChild(document.createTextNode(" "));
      selectedEvent.appendChild(el("b", "verdict", "VIOLATED"));
      selectedEvent.appendChild(document.createTextNode(" " + data.violation.words));
      if (data.violation.explanation) {
        selectedEvent.appendChild(document.createTextNode(" "));
        selectedEvent.appendChild(el("span", "cause", data.violation.explanation));
      }
      return;
    }
    if (index < 0) {
      selectedEvent.appendChild(el("span", "", "None yet: the trace starts at 00:00:00."));
      return;
    }
    var e = events[index];
    selectedEvent.appendChild(el("span", "event-id", "#" + e.id + " "));
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

  function setHash(hash) {
    link.setAttribute("href", hash);
    if (location.hash === hash) { return; }
    try { history.replaceState(null, "", hash); } catch (error) { /* a page that cannot change its address */ }
  }

  function render(index, at, atViolation) {
    selected = index;
    var state = states[index + 1];
    paintNodes(state, atViolation || index < 0 ? null : events[index].component, at);
    var causes = atViolation ? data.violation.cause : (index >= 0 ? data.causes[index] : []);
    rows.forEach(function (row, i) {
      var mine = !atViolation && i === index;
      row.classList.toggle("selected", mine);
      row.classList.toggle("cause-of-selected", causes.indexOf(i + 1) >= 0);
      row.classList.toggle("after", !atViolation && i > index);
      row.setAttribute("aria-selected", mine ? "true" : "false");
    });
    violationRow.classList.toggle("selected", !!atViolation);
    gotos.forEach(function (button) {
      button.classList.toggle("selected", !atViolation && parseInt(button.getAttribute("data-id"), 10) === index + 1);
    });
    now.textContent = clock(at);
    graphTime.textContent = clock(at);
    if (atViolation) {
      counter.textContent = "the violation, after event " + count + " of " + count;
    } else {
      counter.textContent = index >= 0 ? "event " + (index + 1) + " of " + count : "before the first of " + count + " events";
    }
    slider.value = String(at);
    buttons.first.disabled = buttons.prev.disabled = !atViolation && index < 0;
    buttons.next.disabled = !!atViolation;
    buttons.last.disabled = !atViolation && index >= count - 1;
    describeEvent(index, atViolation);
    describeChanges(index, atViolation);
    setHash(atViolation ? "#violation" : (index >= 0 ? "#event=" + (index + 1) : "#start"));
  }

  function select(index) {
    if (index > count - 1) { showViolation(); return; }
    index = Math.max(-1, index);
    render(index, index >= 0 ? events[index].at : 0, false);
    if (index >= 0) { reveal(rows[index]); }
  }

  function showViolation() {
    render(count - 1, data.violation.at, true);
    reveal(violationRow);
  }

  // Scroll the timeline box (not the page) so that the selected row is visible.
  function reveal(row) {
    var box = document.querySelector(".timeline-scroll");
    if (!box || !row || row.offsetParent === null) { return; }
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
    render(index, at, false);
  }

  // `#event=12` selects event 12, `#violation` the violation; anything else: the violation.
  function followHash() {
    var match = /^#event=(\d+)$/.exec(location.hash);
    if (match) {
      var id = parseInt(match[1], 10);
      if (id >= 1 && id <= count) { select(id - 1); return; }
    }
    if (location.hash === "#start") { select(-1); return; }
    showViolation();
  }

  function jumpTo(id) { if (id !== null) { select(id - 1); } }

  buttons.first.addEventListener("click", function () { select(0); });
  buttons.prev.addEventListener("click", function () { select(violationRow.classList.contains("selected") ? selected : selected - 1); });
  buttons.next.addEventListener("click", function () { select(selected + 1); });
  buttons.last.addEventListener("click", function () { select(count - 1); });
  buttons.fault.addEventListener("click", function () { jumpTo(data.firstFault); });
  buttons.violation.addEventListener("click", showViolation);
  buttons.worst.addEventListener("click", function () { jumpTo(data.worst); });
  slider.addEventListener("input", function () { selectInstant(parseInt(slider.value, 10)); });
  rows.forEach(function (row, i) { row.addEventListener("click", function (event) {
    if (event.target && event.target.tagName === "A") { return; }
    select(i);
  }); });
  violationRow.addEventListener("click", showViolation);
  gotos.forEach(function (button) {
    button.addEventListener("click", function () { select(parseInt(button.getAttribute("data-id"), 10) - 1); });
  });
  document.getElementById("chain-only").addEventListener("change", function (event) {
    document.querySelector("#timeline table").classList.toggle("chain-only", event.target.checked);
  });
  window.addEventListener("hashchange", followHash);
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && target.tagName === "INPUT" && target.type !== "range" && target.type !== "checkbox") { return; }
    var atViolation = violationRow.classList.contains("selected");
    var moves = {
      ArrowRight: function () { select(selected + 1); },
      ArrowLeft: function () { select(atViolation ? selected : selected - 1); },
      Home: function () { select(0); },
      End: function () { select(count - 1); },
      f: function () { jumpTo(data.firstFault); },
      v: showViolation,
      w: function () { jumpTo(data.worst); }
    };
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (!(key in moves)) { return; }
    event.preventDefault();
    moves[key]();
  });

  followHash();
})();
