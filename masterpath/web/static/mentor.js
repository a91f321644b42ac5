// MasterPath mentor: stream the reply into the page (server-sent events over a POST).
// Without JavaScript the form posts normally and the page shows the whole reply.
// Each [data-mentor] block (the mentor page, or the panel beside a skill, item or task) holds a
// form[data-stream] and the .conversation list the reply streams into.
(function () {
  "use strict";
  if (!window.fetch || !window.TextDecoder) { return; }
  var headers = { "X-CSRF-Token": document.body.getAttribute("data-csrf") || "" };
  Array.prototype.forEach.call(document.querySelectorAll("[data-mentor]"), setup);

  function setup(block) {
    var form = block.querySelector("form[data-stream]");
    var list = block.querySelector(".conversation");
    if (!form || !list) { return; }

    function turn(role, text) {
      var empty = list.querySelector("li.fine");
      if (empty) { empty.remove(); }
      var item = document.createElement("li");
      item.className = "turn " + role;
      var who = document.createElement("p");
      who.className = "who";
      who.textContent = role === "learner" ? "You" : "Mentor";
      var body = document.createElement("p");
      body.textContent = text;
      item.appendChild(who);
      item.appendChild(body);
      list.appendChild(item);
      return item;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var message = form.querySelector("[name=message]").value;
      var mode = form.querySelector("[name=mode]").value;
      var item = form.querySelector("[name=item_id]");
      var task = form.querySelector("[name=task]");
      turn("learner", message || "(" + mode + ")");
      var reply = turn("mentor", "");
      var text = reply.querySelector("p:last-child");
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(form.getAttribute("data-stream"), {
        method: "POST", credentials: "same-origin",
        headers: Object.assign({ "Content-Type": "application/json", "Accept": "text/event-stream" }, headers),
        body: JSON.stringify({ message: message, mode: mode, item_id: item ? item.value : null, task: !!task })
      }).then(function (response) {
        if (!response.ok) {
          return response.json().then(function (body) { text.textContent = body.error || "Something went wrong."; });
        }
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function handle(block) {
          var isEnd = /^event: end$/m.test(block);
          var data = block.split("\n").filter(function (l) { return l.indexOf("data: ") === 0; })
            .map(function (l) { return l.slice(6); }).join("\n");
          if (!isEnd) { text.textContent += data; return; }
          var end = JSON.parse(data || "{}");
          if (end.html) { text.innerHTML = end.html; }  // sanitised Markdown, from the server
          if (end.error) {
            var failed = document.createElement("p");
            failed.className = "fine";
            failed.textContent = end.error;
            reply.appendChild(failed);
          }
          var cited = end.citations || [];
          if (!cited.length) { return; }
          var sources = document.createElement("p");
          sources.className = "fine";
          sources.textContent = "Sources: ";
          cited.forEach(function (c, n) {
            var link = document.createElement("a");
            link.href = c.url || (c.id.indexOf("lesson#") === 0 ? form.getAttribute("data-skill-url") + "#" + c.id.slice(7) : c.id);
            link.textContent = "[" + (n + 1) + "] " + c.title;
            sources.appendChild(link);
            sources.appendChild(document.createTextNode(" "));
          });
          reply.appendChild(sources);
        }
        function pump() {
          return reader.read().then(function (step) {
            if (step.done) { return; }
            buffer += decoder.decode(step.value, { stream: true });
            var blocks = buffer.split("\n\n");
            buffer = blocks.pop();
            blocks.forEach(handle);
            return pump();
          });
        }
        return pump();
      }).catch(function () {
        text.textContent = "The mentor could not be reached. Please try again.";
      }).then(function () {
        button.disabled = false;
        form.querySelector("[name=message]").value = "";
      });
    });
  }
})();
