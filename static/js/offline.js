// Offline help for participants: register the service worker and ask it to keep a fresh copy of
// the crisis page and the participant's safety plan (see static/sw.js). With no signal, a
// boosted link falls back to a real navigation, which the worker answers from its copy.

let asked = false;

async function keepHelpOffline() {
  if (asked || !("serviceWorker" in navigator)) return;
  if (!document.querySelector(".shell.participant")) return;  // participants only
  asked = true;
  await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const registration = await navigator.serviceWorker.ready;
  registration.active.postMessage({ type: "trellis-refresh-offline" });
}

document.addEventListener("htmx:load", () => { keepHelpOffline().catch(() => {}); });
keepHelpOffline().catch(() => {});

// htmx cannot reach the server: load the page for real, so the service worker can answer.
document.addEventListener("htmx:sendError", (event) => {
  const path = event.detail && event.detail.pathInfo && event.detail.pathInfo.requestPath;
  if (path && event.detail.requestConfig && event.detail.requestConfig.verb === "get") {
    window.location.assign(path);
  }
});
