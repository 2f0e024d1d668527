/* kalem.js: small comforts only; every page works without it. Focuses the error summary after a failed form. */
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) summary.focus();
});
