// The service worker's offline part (imported by /sw.js, which defines VERSION, SHELL_FILES
// and NAV_WAIT_MS). See docs/offline.md.
//
// - The app shell (stylesheets, scripts, icons, the offline page, and a crisis page and its
//   two guided exercises made for nobody in particular) is precached at install in a cache named after the version, and
//   served from it; activating a new version deletes the old caches.
// - A signed-in participant's pages (Today, Schedule, the safety plan, the crisis page, the
//   check-in and questionnaire forms, skills) are kept as they are seen, in a cache of their
//   owner's (the X-Trellis-Owner header the server puts on participants' pages only: staff
//   pages are never kept). Offline, a kept page opens with "You're offline — showing what was
//   saved at …"; any other page gets the offline page, which lists what still works.
// - The kept pages are dropped when the session is seen to end: a page that lands on sign-in
//   or on the app lock, a 401 from the API (the queue tells the worker), another participant's
//   page. The unsent queue stays, bound to its owner (offline-store.js).
"use strict";

const Offline = self.TrellisOffline;
const SHELL_CACHE = `trellis-shell-${VERSION}`;
const PAGES = `${Offline.PAGES_PREFIX}${VERSION}-`;  // + the owner's id
// The crisis page and its two "While you wait" exercises hold nothing personal: kept for all.
const SHELL_PAGES = ["/offline", "/crisis", "/calm/breathing", "/calm/grounding"];
const OWNER = "X-Trellis-Owner";
const SAVED_AT = "X-Trellis-Saved-At";
const SIGNED_OUT_PAGES = ["/signin", "/unlock"];
const KEPT = [/^\/today$/, /^\/schedule$/, /^\/safety-plan$/, /^\/crisis$/, /^\/checkin$/,
              /^\/checkin\/scales\/[\w-]+$/, /^\/skills(\/[\w/-]*)?$/];
// Kept fresh even when not opened lately: what someone may need without signal.
const HELP = ["/safety-plan", "/crisis", "/checkin"];
const HELP_MAX_AGE_MS = 6 * 3600 * 1000;
const MATCH = { ignoreVary: true };

self.addEventListener("install", (event) => event.waitUntil((async () => {
  const cache = await caches.open(SHELL_CACHE);
  // Made for nobody: no cookies, so no name and no health information in the shell.
  await cache.addAll([...SHELL_FILES, ...SHELL_PAGES].map(
    (path) => new Request(path, { credentials: "omit", cache: "reload" })));
})()));

self.addEventListener("activate", (event) => event.waitUntil((async () => {
  for (const name of await caches.keys()) {
    const current = name === SHELL_CACHE || name.startsWith(PAGES);
    if (name.startsWith("trellis-") && !current) await caches.delete(name);
  }
  await self.clients.claim();
})()));

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "trellis-skip-waiting") self.skipWaiting();
  if (message.type === "trellis-signed-out") event.waitUntil(Offline.forgetPages());
  if (message.type === "trellis-refresh-offline") {
    event.waitUntil(refreshHelp(message.path, message.owner));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "trellis-queue") return;
  event.waitUntil(Offline.flush({ force: true }).then((result) => {
    // Thrown: the browser tries this sync again later, with its own backoff.
    if (result.unreachable || result.retrying) throw new Error("not sent yet");
  }));
});

// --- keeping pages --------------------------------------------------------------------------

const kept = (path) => KEPT.some((pattern) => pattern.test(path));

async function forgetOtherOwners(owner) {
  for (const name of await caches.keys()) {
    if (name.startsWith(Offline.PAGES_PREFIX) && name !== PAGES + owner) await caches.delete(name);
  }
}

// A response's body as read here is already decoded: a copy made from it must not claim the
// server's compression (the browser would try to decode it again and fail).
function decodedHeaders(response) {
  const headers = new Headers(response.headers);
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  return headers;
}

async function keep(owner, path, response) {
  const headers = decodedHeaders(response);
  headers.set(SAVED_AT, new Date().toISOString());
  const copy = new Response(await response.blob(), { status: response.status, headers });
  await (await caches.open(PAGES + owner)).put(path, copy);
}

// What a network answer says about the session, and keeping it when it is a kept page.
async function observe(url, response) {
  const landed = response.redirected ? new URL(response.url).pathname : url.pathname;
  if (response.ok && SIGNED_OUT_PAGES.includes(landed)) {
    await Offline.forgetPages();
    return;
  }
  const owner = response.headers.get(OWNER);
  if (!owner || response.type !== "basic") return;
  if ((await Offline.getMeta("owner")) !== owner) {
    await forgetOtherOwners(owner);
    await Offline.setMeta("owner", owner);
  }
  if (response.ok && !response.redirected && !url.search && kept(url.pathname)) {
    await keep(owner, url.pathname, response);
  }
}

let lastRefresh = 0;

// The help pages, and the page open now (the first page after signing in loads before the
// worker controls it), when not saved or saved over HELP_MAX_AGE_MS ago.
async function refreshHelp(current, claimed) {
  // The page's word for whose it is serves only to look in the right cache: what is fetched
  // is kept under the owner the server names in its answer.
  const owner = (await Offline.getMeta("owner")) || claimed;
  if (!owner || Date.now() - lastRefresh < 60 * 1000) return;
  lastRefresh = Date.now();
  const cache = await caches.open(PAGES + owner);
  const paths = new Set(HELP);
  if (typeof current === "string" && kept(current)) paths.add(current);
  await Promise.all([...paths].map(async (path) => {
    const saved = await cache.match(path, MATCH);
    if (saved && Date.now() - Date.parse(saved.headers.get(SAVED_AT)) < HELP_MAX_AGE_MS) return;
    try {
      const response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
      await observe(new URL(response.url || path, self.location.origin), response);
    } catch (error) {
      // no signal: keep what we have
    }
  }));
}

// --- answering without signal ---------------------------------------------------------------

// `reason` is "offline" (no answer) or "slow" (none yet): the page words its notice for it.
async function withNotice(saved, reason = "offline") {
  const at = saved.headers.get(SAVED_AT) || new Date(saved.headers.get("Date")).toISOString();
  const html = (await saved.text()).replace(
    "<body", `<body data-offline-saved-at="${at}" data-offline-reason="${reason}"`);
  return new Response(html, { status: 200, headers: decodedHeaders(saved) });
}

async function savedCopy(url) {
  const path = url.pathname === "/" ? "/today" : url.pathname;
  const owner = await Offline.getMeta("owner");
  return owner ? caches.match(path, { ...MATCH, cacheName: PAGES + owner }) : undefined;
}

async function offlineAnswer(url) {
  const path = url.pathname === "/" ? "/today" : url.pathname;
  const saved = await savedCopy(url);
  if (saved) return withNotice(saved);
  const shell = await caches.open(SHELL_CACHE);
  if (path !== "/offline" && SHELL_PAGES.includes(path)) {
    const help = await shell.match(path, MATCH);
    if (help) return withNotice(help);
  }
  return (await shell.match("/offline", MATCH)) || Response.error();
}

// Network first. On a weak signal a request can hang for minutes: after NAV_WAIT_MS (sw.js) a
// page that has a saved copy gets it (the network's answer still refreshes the copy).
async function navigate(event, url) {
  let observed = null;
  const network = fetch(event.request).then((response) => {
    observed = observe(url, response.clone());
    return response;
  });
  event.waitUntil(network.then(() => observed).catch(() => {}));
  const slow = new Promise((resolve) => { setTimeout(resolve, NAV_WAIT_MS); })
    .then(() => savedCopy(url))
    .then((saved) => (saved ? withNotice(saved, "slow") : network));
  try {
    return await (kept(url.pathname) || url.pathname === "/" ? Promise.race([network, slow])
      : network);
  } catch (error) {
    return offlineAnswer(url);
  }
}

// A boosted link (htmx) loads a whole page too: keep it the same way. Without signal it fails,
// and static/js/offline.js loads the page for real, which navigate() answers.
async function boosted(event, url) {
  const response = await fetch(event.request);
  event.waitUntil(observe(url, response.clone()));
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.search && SHELL_FILES.includes(url.pathname)) {
    event.respondWith(caches.match(request, { ...MATCH, cacheName: SHELL_CACHE })
      .then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (request.headers.get("HX-Boosted") === "true") {
    event.respondWith(boosted(event, url));
  }
});
