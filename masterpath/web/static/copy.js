// Copy buttons: <button data-copy="#id" hidden> copies that element's value or text. Without
// JavaScript (or a clipboard) the button stays hidden and the code can be selected by hand.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(buttons, function (button) {
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = "value" in target ? target.value : target.textContent;
      navigator.clipboard.writeText(text.trim()).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () { button.textContent = "Select and copy"; });
    });
  });
})();
