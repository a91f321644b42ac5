// Copy buttons: <button data-copy="#id" hidden> copies that element's value or text and says so
// beside the button. Without JavaScript (or a clipboard) the button stays hidden and the code
// can be selected by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target) { return; }
    var said = document.createElement("span");
    said.className = "fine";
    said.setAttribute("role", "status");
    button.after(said);
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = "value" in target ? target.value : target.textContent;
      navigator.clipboard.writeText(text.trim()).then(function () {
        said.textContent = "Copied";
        setTimeout(function () { said.textContent = ""; }, 3000);
      }, function () { said.textContent = "Select it and copy"; });
    });
  });
})();
