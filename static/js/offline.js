// The installed app in the page (everything works without it):
// - registers the service worker on participants' pages and asks it to keep the help pages
//   fresh (static/sw.js, static/js/sw-offline.js);
// - says "You're offline — showing what was saved at 8:14" on a page the worker answered from
//   its copy (it marks <body data-offline-saved-at>), in the page's language;
// - on the offline page, shows which saved pages this phone has for the person signed in;
// - when a new version of the worker is waiting, offers "Update now", which activates it and
//   reloads once it controls the page;
// - with no signal, a boosted link falls back to a real navigation, which the worker answers.
(() => {
  let registered = false;

  const owner = () => {
    const marker = document.getElementById("offline-owner");
    return marker ? marker.dataset.user : null;
  };

  function timeText(iso) {
    const saved = new Date(iso);
    if (Number.isNaN(saved.getTime())) return "";
    const sameDay = saved.toDateString() === new Date().toDateString();
    const options = sameDay ? { hour: "numeric", minute: "2-digit" }
      : { weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" };
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options)
      .format(saved);
  }

  function showNotice() {
    const notice = document.querySelector("[data-offline-notice]");
    if (!notice) return;
    const savedAt = document.body.dataset.offlineSavedAt;
    if (savedAt) {
      const words = document.body.dataset.offlineReason === "slow"
        ? notice.dataset.textSlow : notice.dataset.textSaved;
      notice.textContent = words.replace("{time}", timeText(savedAt));
      notice.hidden = false;
    } else if (!navigator.onLine) {
      notice.textContent = notice.dataset.textOffline;
      notice.hidden = false;
    } else {
      notice.hidden = true;
    }
  }

  // The offline page: list the saved pages this phone has for the participant last signed in.
  async function markSavedPages() {
    const links = document.querySelector("[data-offline-links]");
    if (!links || !self.TrellisOffline || !("caches" in self)) return;
    const who = await self.TrellisOffline.getMeta("owner");
    if (!who) return;
    const names = (await caches.keys()).filter(
      (name) => name.startsWith(self.TrellisOffline.PAGES_PREFIX) && name.endsWith(`-${who}`));
    const paths = new Set();
    for (const name of names) {
      for (const request of await (await caches.open(name)).keys()) {
        paths.add(new URL(request.url).pathname);
      }
    }
    for (const item of links.querySelectorAll("[data-needs-saved]")) {
      const wanted = item.dataset.needsSaved;
      item.hidden = ![...paths].some((p) => p === wanted || p.startsWith(`${wanted}/`));
    }
  }

  function offerUpdate(registration) {
    const banner = document.querySelector("[data-update-banner]");
    if (banner && registration.waiting && navigator.serviceWorker.controller) banner.hidden = false;
  }

  async function register() {
    if (registered || !("serviceWorker" in navigator)) return;
    if (!document.querySelector(".shell.participant")) return;  // participants' pages only
    registered = true;
    const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    offerUpdate(registration);
    registration.addEventListener("updatefound", () => {
      const incoming = registration.installing;
      if (!incoming) return;
      incoming.addEventListener("statechange", () => {
        if (incoming.state === "installed") offerUpdate(registration);
      });
    });
    const ready = await navigator.serviceWorker.ready;
    if (owner() && ready.active) {
      ready.active.postMessage({ type: "trellis-refresh-offline", path: window.location.pathname,
                                  owner: owner() });
    }
  }

  function onLoad() {
    showNotice();
    markSavedPages().catch(() => {});
    register().catch(() => {});
    if (registered && owner() && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "trellis-refresh-offline",
                                                      path: window.location.pathname,
                                                      owner: owner() });
    }
  }

  // One reload when the new worker takes over after "Update now" (only then: the worker also
  // changes when sign-out's Clear-Site-Data removes it, and that page must go on to sign-in).
  let updating = false;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (!updating) return;
      updating = false;
      window.location.reload();
    });
  }

  document.addEventListener("click", async (event) => {
    if (!event.target.closest) return;
    if (event.target.closest("[data-update-now]")) {
      const registration = await navigator.serviceWorker.getRegistration();
      if (registration && registration.waiting) {
        updating = true;
        registration.waiting.postMessage({ type: "trellis-skip-waiting" });
      } else {
        window.location.reload();
      }
    }
    if (event.target.closest("[data-offline-retry]")) window.location.reload();
  });

  window.addEventListener("online", showNotice);
  window.addEventListener("offline", showNotice);
  document.addEventListener("htmx:load", (event) => {
    if (event.target === document.body || event.target.contains(document.querySelector("main"))) {
      onLoad();
    }
  });
  onLoad();

  // htmx cannot reach the server: load a page for real, so the service worker can answer; a
  // form the queue does not keep (static/js/offline-queue.js) was not saved: say so.
  document.addEventListener("htmx:sendError", (event) => {
    const detail = event.detail || {};
    const path = detail.pathInfo && detail.pathInfo.requestPath;
    const verb = detail.requestConfig && detail.requestConfig.verb;
    if (path && verb === "get") {
      window.location.assign(path);
    } else if (verb && !(detail.elt && detail.elt.closest
                         && detail.elt.closest("[data-offline-queue]"))) {
      const notice = document.querySelector("[data-offline-notice]");
      if (notice) {
        notice.textContent = notice.dataset.textUnsent;
        notice.hidden = false;
        notice.scrollIntoView({ block: "nearest" });
      }
    }
  });
})();
