/* A background job's page: poll its status (same origin, JSON), move the progress bar, and reload
   the page when the job has ended, so that the server shows its result. Nothing from the internet. */
(function () {
  var box = document.getElementById("job-progress");
  if (!box || box.dataset.finished === "true" || !window.fetch) { return; }
  var bar = box.querySelector(".progress-bar");
  var text = document.getElementById("job-progress-text");
  var status = document.getElementById("job-status");
  var failures = 0;
  function show(state) {
    status.textContent = state.status_label;
    if (state.percent !== null && bar) { bar.style.width = state.percent + "%"; }
    if (text) {
      text.textContent = state.stage_label +
        (state.total ? ": " + state.done + " " + box.dataset.labelOf + " " + state.total : "");
    }
    if (state.finished) { window.location.reload(); return false; }
    return true;
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        if (show(state)) { window.setTimeout(poll, 1000); }
      })
      .catch(function () {
        failures += 1;
        if (failures > 30) { text.textContent = box.dataset.labelLost; return; }
        window.setTimeout(poll, 2000);
      });
  }
  window.setTimeout(poll, 500);
}());
