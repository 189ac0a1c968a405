// Trellis service worker, served from /sw.js so it controls the whole app.
//
// - offline (static/js/sw-offline.js, with the queue's store static/js/offline-store.js):
//   the app shell precached at install in a versioned cache; the signed-in participant's pages
//   kept as they are seen and shown offline with a notice; an offline page for the rest; the
//   queue sent by Background Sync; copies dropped when the session ends. docs/offline.md.
// - update: the server fills in VERSION from the content of every static file, so any change
//   installs a new worker; it waits until the page's "Update now" (or every tab closing), then
//   deletes the old version's caches.
// - push: ALWAYS shows a notification (iOS revokes the subscription of a worker that does not),
//   with a tag per kind so a newer reminder replaces the older one of its kind.
// - notificationclick: opens the reminder's page in an open Trellis window (focused), or a new
//   window; "remind me later" actions snooze the reminder (check-in, medication); a medication
//   reminder's "Taken" is posted by static/js/sw-medications.js.
// - pushsubscriptionchange: subscribes again and tells the server, with the device token the
//   page handed over when reminders were turned on (no session is needed for that).
"use strict";

const VERSION = "__TRELLIS_VERSION__";
const SHELL_FILES = __TRELLIS_SHELL_FILES__;  // filled in by app/offline/shell.py
const NAV_WAIT_MS = __TRELLIS_SLOW_PAGE_MS__;  // OFFLINE_SLOW_PAGE_SECONDS
const DEFAULT_TITLE = "Trellis";
const DEFAULT_BODY = "You have a reminder";
const STORE = "trellis-push";

importScripts("/static/js/offline-store.js", "/static/js/sw-offline.js");

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
