// MasterPath study pages: active time on lessons, and keyboard shortcuts for flashcards.
(function () {
  "use strict";
  var headers = {};
  try { headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }

  // Time on task: count seconds only while the page is visible, send them in small batches.
  var lesson = document.querySelector("[data-time-skill]");
  if (lesson) {
    var skill = lesson.getAttribute("data-time-skill");
    var pending = 0;
    var send = function () {
      var seconds = Math.round(pending);
      if (seconds < 1) { return; }
      pending -= seconds;
      fetch("/api/v1/me/time", {
        method: "POST", keepalive: true, credentials: "same-origin",
        headers: Object.assign({ "Content-Type": "application/json" }, headers),
        body: JSON.stringify({ skill_id: skill, seconds: seconds })
      }).catch(function () { pending += seconds; });
    };
    setInterval(function () {
      if (document.visibilityState === "visible") { pending += 1; }
      if (pending >= 30) { send(); }
    }, 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { send(); }
    });
    window.addEventListener("pagehide", send);
  }

  // Flashcards: space reveals the answer, 1-4 rate it.
  var reveal = document.getElementById("reveal");
  if (reveal) {
    document.addEventListener("keydown", function (event) {
      var tag = (event.target && event.target.tagName) || "";
      if (tag === "INPUT" || tag === "TEXTAREA" || event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === " " && !reveal.open) {
        event.preventDefault();
        reveal.open = true;
        var first = reveal.querySelector("button[data-key='3']");
        if (first) { first.focus(); }
      } else if (reveal.open && /^[1-4]$/.test(event.key)) {
        var button = reveal.querySelector("button[data-key='" + event.key + "']");
        if (button) { event.preventDefault(); button.click(); }
      }
    });
  }
})();
