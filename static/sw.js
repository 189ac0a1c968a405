// Trellis service worker, served from /sw.js so it controls the whole app.
// It handles push reminders, and keeps the participant's help pages for when there is no signal.
//
// - offline: the crisis page and the participant's own safety plan (and the stylesheets they
//   need) are kept in one cache, refreshed whenever they load; with no network, navigations get
//   the kept copy, and any other page falls back to the crisis page. Nothing else is cached:
//   never another page of health information. Sign-out's Clear-Site-Data empties the cache.
// - push: ALWAYS shows a notification (iOS revokes the subscription of a worker that does not),
//   with a tag per kind so a newer reminder replaces the older one of its kind.
// - notificationclick: opens the reminder's page in an open Trellis window (focused), or a new
//   window; "remind me later" actions snooze the reminder (check-in, medication); a medication
//   reminder's "Taken" is posted by static/js/sw-medications.js.
// - pushsubscriptionchange: subscribes again and tells the server, with the device token the
//   page handed over when reminders were turned on (no session is needed for that).
"use strict";

const DEFAULT_TITLE = "Trellis";
const DEFAULT_BODY = "You have a reminder";
const STORE = "trellis-push";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil((async () => {
  // Only the current version's cache survives an update of this file.
  for (const name of await caches.keys()) {
    if (name.startsWith("trellis-offline-") && name !== OFFLINE_CACHE) await caches.delete(name);
  }
  await self.clients.claim();
})()));

// --- offline help ----------------------------------------------------------------------------

const OFFLINE_CACHE = "trellis-offline-v1";
const OFFLINE_PAGES = ["/crisis", "/safety-plan"];
const OFFLINE_ASSETS = ["/static/css/base.css", "/static/css/layout.css",
                        "/static/css/components.css", "/static/js/csrf.js",
                        "/static/js/quick-exit.js", "/static/vendor/htmx/htmx.min.js"];

// Keep a response only if it is the page itself: a redirect (to sign-in) or an error is not.
async function keep(path, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    const cache = await caches.open(OFFLINE_CACHE);
    await cache.put(path, response.clone());
  }
  return response;
}

async function refreshOffline() {
  await Promise.all([...OFFLINE_PAGES, ...OFFLINE_ASSETS].map(async (path) => {
    try {
      await keep(path, await fetch(path, { credentials: "same-origin", cache: "no-store" }));
    } catch (error) {
      // offline now: keep what we have
    }
  }));
}

async function networkFirst(request, path) {
  try {
    const response = await fetch(request);
    return (OFFLINE_PAGES.includes(path) || OFFLINE_ASSETS.includes(path))
      ? keep(path, response) : response;
  } catch (error) {
    const cache = await caches.open(OFFLINE_CACHE);
    const kept = await cache.match(path);
    if (kept) return kept;
    if (request.mode === "navigate") {
      const help = await cache.match("/crisis");
      if (help) return help;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === "navigate" || OFFLINE_ASSETS.includes(path)) {
    event.respondWith(networkFirst(request, path));
  }
});

// --- push ----------------------------------------------------------------------------------

importScripts("/static/js/sw-medications.js");  // the medication reminder's "Taken" action

function readMessage(data) {
  if (!data) return {};
  try {
    return data.json();
  } catch (error) {
    return {};  // not JSON: still show the neutral notification below
  }
}

function showReminder(data) {
  const message = readMessage(data);
  const note = message.notification || {};
  const details = note.data || {};
  const options = {
    body: typeof note.body === "string" ? note.body : DEFAULT_BODY,
    tag: typeof note.tag === "string" ? note.tag : "trellis",
    renotify: true,  // a replacing notification still alerts
    lang: note.lang || "",
    data: { url: typeof details.url === "string" ? details.url : "/",
            kind: details.kind || "", snooze: details.snooze || "",
            // a medication reminder's doses and its "Taken" token (static/js/sw-medications.js)
            dose: details.dose || "", doseToken: details.dose_token || "" },
    requireInteraction: details.urgent === true,  // safety alerts stay until handled
    actions: Array.isArray(note.actions)
      ? note.actions.map((a) => ({ action: String(a.action), title: String(a.title) })) : [],
  };
  const title = typeof note.title === "string" && note.title ? note.title : DEFAULT_TITLE;
  return self.registration.showNotification(title, options);
}

self.addEventListener("push", (event) => event.waitUntil(showReminder(event.data)));

// --- notificationclick ---------------------------------------------------------------------

// Only pages of this site are ever opened, whatever a payload says.
function sameSiteUrl(path) {
  const url = new URL(path || "/", self.location.origin);
  return url.origin === self.location.origin ? url : new URL("/", self.location.origin);
}

async function openPage(path) {
  const url = sameSiteUrl(path);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).origin !== url.origin) continue;
    let target = client;
    if (client.url !== url.href) {
      // navigate() works for windows this worker controls; otherwise just bring it forward.
      target = (await client.navigate(url.href).catch(() => null)) || client;
    }
    return target.focus().catch(() => target);
  }
  return self.clients.openWindow(url.href);
}

async function snooze(token, minutes) {
  const response = await fetch("/push/snooze", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token, minutes }),
  });
  if (!response.ok) throw new Error(`snooze refused: ${response.status}`);
}

async function handleClick(action, data) {
  // --- medications: "Taken" marks the doses from here (static/js/sw-medications.js) ---
  if (action === "taken" && self.trellisMedicationTaken) {
    return self.trellisMedicationTaken(data, openPage);
  }
  // --- end medications ---
  const match = /^snooze-(\d+)$/.exec(action || "");
  if (match && data.snooze) {
    try {
      return await snooze(data.snooze, Number(match[1]));
    } catch (error) {
      return openPage("/me/reminders#snooze");  // let the participant snooze from the page
    }
  }
  return openPage(data.url);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(handleClick(event.action, event.notification.data || {}));
});

// --- the device token, kept in IndexedDB (storage is cleared at sign-out) -------------------

function database() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(STORE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore("device");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function storeDevice(value) {
  const db = await database();
  await new Promise((resolve, reject) => {
    const tx = db.transaction("device", "readwrite");
    tx.objectStore("device").put(value, "current");
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
}

async function readDevice() {
  const db = await database();
  return new Promise((resolve, reject) => {
    const request = db.transaction("device").objectStore("device").get("current");
    request.onsuccess = () => resolve(request.result || null);
    request.onerror = () => reject(request.error);
  });
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "trellis-device" && typeof message.token === "string") {
    event.waitUntil(storeDevice({ token: message.token, key: message.key }));
  }
  if (message.type === "trellis-refresh-offline") event.waitUntil(refreshOffline());
});

// --- pushsubscriptionchange ----------------------------------------------------------------

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

async function resubscribe(oldSubscription, newSubscription) {
  const device = await readDevice();
  if (!device) return;  // reminders were never turned on here, or the person signed out
  let subscription = newSubscription;
  if (!subscription) {
    const key = (oldSubscription && oldSubscription.options.applicationServerKey)
      || keyBytes(device.key);
    subscription = await self.registration.pushManager.subscribe(
      { userVisibleOnly: true, applicationServerKey: key });
  }
  const response = await fetch("/push/resubscribe", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: device.token, subscription: subscription.toJSON() }),
  });
  if (response.ok) {
    const answer = await response.json();
    await storeDevice({ token: answer.device_token, key: device.key });
  }
}

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(resubscribe(event.oldSubscription, event.newSubscription));
});
