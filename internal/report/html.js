// The copy buttons put the replay command on the clipboard. The page works
// without them: the command is shown as text beside each button.
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("button.copy");
  if (!b || !navigator.clipboard) return;
  navigator.clipboard.writeText(b.getAttribute("data-copy")).then(function () {
    b.textContent = "copied";
    setTimeout(function () { b.textContent = "copy"; }, 1500);
  });
});
