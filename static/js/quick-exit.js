// Quick exit: leave for a neutral site at once. The server locks the app (or signs out) so
// that pressing Back shows the lock or sign-in page, never what was on screen.
// Without JavaScript the button is an ordinary link to the same neutral site.

function csrfToken() {
  // #csrf-token is re-rendered with every page (see csrf.js), so it is never stale.
  const holder = document.getElementById("csrf-token");
  return holder ? holder.dataset.token : "";
}

function quickExit(link) {
  const data = new FormData();
  data.append("csrf_token", csrfToken());
  // sendBeacon survives the page being replaced; fetch would be cancelled.
  navigator.sendBeacon(link.dataset.beacon, data);
  // The pages kept for offline reading go too (static/js/sw-offline.js); unsent answers stay.
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (worker) worker.postMessage({ type: "trellis-signed-out" });
  // replace(), not assign(): the current Trellis page leaves the history.
  window.location.replace(link.href);
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-quick-exit]");
  if (link) {
    event.preventDefault();
    quickExit(link);
  }
});

// Escape twice within a second also exits, for when there is no time to find the button.
let lastEscape = 0;
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const now = Date.now();
  const link = document.querySelector("[data-quick-exit]");
  if (link && now - lastEscape < 1000) quickExit(link);
  lastEscape = now;
});
