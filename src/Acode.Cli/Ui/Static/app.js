// acode ui: the viewer's only script (served from the assembly; the Content-Security-Policy forbids any other).
// It places timeline bars and shows a tool call's details, or why they could not be loaded and what to do. Everything
// from the server is put on screen with textContent, never as markup.
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

  // Said when the viewer itself cannot be reached (stopped, restarted elsewhere): fetch rejects with no answer.
  var unreachableHint = "Check that 'acode ui' is still running in its terminal (if it was started again, open the URL it printed this time), then click the tool call again.";

  // An error answer: the API's JSON {"error", "hint"} (its error starts with its ACODE-DB code when there is one),
  // or, for any other body, the status with what to do.
  function problemOf(response) {
    return response.text().then(function (body) {
      var answer = null;
      try { answer = JSON.parse(body); } catch (ignored) { answer = null; }
      if (answer && typeof answer.error === "string") {
        return { error: answer.error, hint: typeof answer.hint === "string" ? answer.hint : "" };
      }
      return {
        error: "The viewer answered HTTP " + response.status + " without saying why.",
        hint: "Reload the page and click the tool call again; the terminal running 'acode ui' may say more.",
      };
    }, function () {
      return { error: "The viewer's answer (HTTP " + response.status + ") broke off.", hint: unreachableHint };
    });
  }

  // The panel says what went wrong and what to do, in place of the call's details (none of an earlier call stay).
  function showProblem(panel, problem) {
    text("detail-title", "Could not load the tool call");
    var error = document.getElementById("detail-problem");
    error.textContent = problem.error;
    error.hidden = false;
    var hint = document.getElementById("detail-problem-hint");
    hint.textContent = problem.hint;
    hint.hidden = !problem.hint;
    document.getElementById("detail-call").hidden = true;
    panel.removeAttribute("data-loaded");
    panel.setAttribute("aria-busy", "false");
  }

  function hideProblem() {
    document.getElementById("detail-problem").hidden = true;
    document.getElementById("detail-problem-hint").hidden = true;
    document.getElementById("detail-call").hidden = false;
  }

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
        if (response.ok) {
          return response.json().then(null, function () {
            throw { error: "The viewer's answer for this tool call could not be read.", hint: "Reload the page and click the tool call again." };
          });
        }
        return problemOf(response).then(function (problem) { throw problem; });
      }, function (failure) {
        throw { error: "The viewer did not answer (" + (failure && failure.message ? failure.message : "no connection") + ").", hint: unreachableHint };
      })
      .then(function (call) {
        if (current !== row) { return; }
        hideProblem();
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
      .catch(function (failure) {
        if (current !== row) { return; }
        showProblem(panel, failure && typeof failure.error === "string" ? failure
          : { error: "The tool call could not be shown (" + (failure && failure.message ? failure.message : String(failure)) + ").", hint: "Reload the page and click the tool call again." });
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
