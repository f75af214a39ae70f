/* The calendar's «Печать» button (no inline handlers: the CSP allows scripts by nonce only). */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".events-print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
