// acode ui: the viewer's only script (served from the assembly; the Content-Security-Policy forbids any other).
// It places timeline bars and shows a tool call's details. Everything from the server is put on screen with
// textContent, never as markup.
"use strict";

(function () {
  function placeBars() {
    var bars = document.querySelectorAll(".bar[data-l]");
    for (var i = 0; i < bars.length; i++) {
      var bar = bars[i];
      bar.style.left = bar.getAttribute("data-l") + "%";
      bar.style.width = "max(2px, " + bar.getAttribute("data-w") + "%)";
    }
  }

  function text(id, value) {
    var element = document.getElementById(id);
    element.textContent = value === null || value === undefined ? "—" : String(value);
  }

  // A cut text's note (how much was left out, the command that prints it whole), hidden when it came whole.
  function cut(id, value) {
    var element = document.getElementById(id);
    element.textContent = typeof value === "string" ? value : "";
    element.hidden = typeof value !== "string";
  }

  function fact(list, name, value) {
    if (value === null || value === undefined) { return; }
    var dt = document.createElement("dt");
    dt.textContent = name;
    var dd = document.createElement("dd");
    dd.textContent = String(value);
    list.appendChild(dt);
    list.appendChild(dd);
  }

  var current = null;

  function showToolCall(row) {
    var url = document.getElementById("timeline").getAttribute("data-api") + encodeURIComponent(row.id);
    var panel = document.getElementById("detail");
    if (current) { current.classList.remove("selected"); }
    current = row;
    row.classList.add("selected");
    panel.hidden = false;
    document.body.classList.add("detail-open");
    panel.setAttribute("aria-busy", "true");
    text("detail-title", "Loading…");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (call) {
        if (current !== row) { return; }
        text("detail-title", call.tool + " · " + call.status);
        var facts = document.getElementById("detail-facts");
        facts.replaceChildren();
        fact(facts, "ID", call.id);
        fact(facts, "Step", call.step);
        fact(facts, "Started", call.startedAt);
        fact(facts, "Completed", call.completedAt);
        fact(facts, "Duration", call.duration);
        fact(facts, "Result length", call.resultLength === null ? null : call.resultLength + " characters");
        text("detail-arguments", call.arguments);
        text("detail-result", call.result);
        text("detail-error", call.error);
        cut("detail-arguments-cut", call.argumentsCut);
        cut("detail-result-cut", call.resultCut);
        cut("detail-error-cut", call.errorCut);
        var list = document.getElementById("detail-artifacts");
        list.replaceChildren();
        (call.artifacts || []).forEach(function (artifact) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          // Only the viewer's own paths: anything else is shown as text.
          if (typeof artifact.href === "string" && artifact.href.indexOf("/sessions/") === 0) { link.href = artifact.href; }
          link.textContent = artifact.name + " (" + artifact.kind + ", " + artifact.size + ")";
          item.appendChild(link);
          list.appendChild(item);
        });
        if (!list.firstChild) {
          var none = document.createElement("li");
          none.textContent = "none";
          list.appendChild(none);
        }
        panel.setAttribute("aria-busy", "false");
        panel.setAttribute("data-loaded", call.id);
      })
      .catch(function (error) {
        text("detail-title", "Could not load the tool call: " + error.message);
        panel.setAttribute("aria-busy", "false");
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    placeBars();
    document.addEventListener("click", function (event) {
      var row = event.target.closest ? event.target.closest("#timeline .row.call") : null;
      if (row) { showToolCall(row); return; }
      if (event.target.id === "detail-close") {
        document.getElementById("detail").hidden = true;
        document.body.classList.remove("detail-open");
        if (current) { current.classList.remove("selected"); current = null; }
      }
    });
    // A search hit links to #<tool call id>: open that call.
    if (location.hash.length > 1) {
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target && target.matches("#timeline .row.call")) {
        var step = target.closest("details.step");
        if (step) { step.open = true; }
        target.scrollIntoView({ block: "center" });
        showToolCall(target);
      }
    }
    document.body.setAttribute("data-ready", "true");
  });
})();
