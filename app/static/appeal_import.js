/* Import of appeals: while the form's POST runs (check, then import in one transaction), poll the
   progress file of this import and show how far it is. Same origin only; nothing from the internet. */
(function () {
  var form = document.getElementById("mapping-form");
  var box = document.getElementById("import-progress");
  if (!form || !box || !window.fetch) { return; }
  var bar = box.querySelector(".progress-bar");
  var text = document.getElementById("import-progress-text");
  var clicked = null;
  form.addEventListener("click", function (event) {
    if (event.target.name === "action") { clicked = event.target.value; }
  });
  function show(state) {
    if (!state.total || (state.stage !== "validate" && state.stage !== "import")) {
      text.textContent = box.dataset.labelWait;
      return;
    }
    var label = state.stage === "import" ? box.dataset.labelImport : box.dataset.labelValidate;
    var percent = Math.round(100 * state.done / state.total);
    bar.style.width = percent + "%";
    text.textContent = label + ": " + state.done + " " + box.dataset.labelOf + " " + state.total;
  }
  function poll() {
    fetch(form.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(show)
      .catch(function () { /* the page is being replaced by the result */ })
      .finally(function () { window.setTimeout(poll, 1000); });
  }
  form.addEventListener("submit", function () {
    if (clicked === "save") { return; }
    box.classList.remove("hidden");
    document.getElementById("import-button").disabled = true;
    show({});
    window.setTimeout(poll, 500);
  });
}());
