// The offline queue's storage and sender, shared by the pages and the service worker
// (importScripts in sw.js; a plain script in pages): self.TrellisOffline.
//
// Each unsent item is kept in IndexedDB under its client UUID (so a resend or a second tap
// is the same item) and its owner (the signed-in participant's opaque id, see
// app/offline/owner.py). An item leaves the phone only when the server answered 200 or 201:
// a lost answer, a closed tab or a failed request leave it to be sent again, and the server
// recognises the UUID (exactly once). 409 and 422 are kept with the server's messages until
// the participant acts. Only the owner who is signed in now is ever sent, and the server
// refuses an item whose owner is not the signed-in participant.
"use strict";

self.TrellisOffline = (() => {
  const DB_NAME = "trellis-offline";
  const QUEUE = "queue";
  const META = "meta";
  const PAGES_PREFIX = "trellis-pages-";
  const SEND_TIMEOUT_MS = 30 * 1000;
  const channel = "BroadcastChannel" in self ? new BroadcastChannel("trellis-queue") : null;
  let opening = null;

  function database() {
    opening = opening || new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(QUEUE, { keyPath: "id" });
        request.result.createObjectStore(META);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => { opening = null; reject(request.error); };
    });
    return opening;
  }

  async function run(store, mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = work(tx.objectStore(store));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const put = (item) => run(QUEUE, "readwrite", (s) => s.put(item));
  const get = (id) => run(QUEUE, "readonly", (s) => s.get(id));
  const remove = (id) => run(QUEUE, "readwrite", (s) => s.delete(id));
  const getMeta = (key) => run(META, "readonly", (s) => s.get(key));
  const setMeta = (key, value) => run(META, "readwrite", (s) => s.put(value, key));

  // Items of one owner (every owner when none is given), oldest first.
  async function list(owner) {
    const all = (await run(QUEUE, "readonly", (s) => s.getAll())) || [];
    return all.filter((item) => !owner || item.owner === owner)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  function changed() {
    if (channel) channel.postMessage("changed");
  }

  // Saved pages are a signed-in participant's: they go when the session does.
  async function forgetPages() {
    for (const name of await caches.keys()) {
      if (name.startsWith(PAGES_PREFIX)) await caches.delete(name);
    }
    await setMeta("owner", null);
  }

  // 30 s doubling to 30 min, with jitter, so phones do not all retry at once.
  function backoff(attempts) {
    const base = Math.min(30 * 1000 * 2 ** Math.max(0, attempts - 1), 30 * 60 * 1000);
    return base / 2 + Math.random() * base / 2;
  }

  function fetchWithTimeout(url, options) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), SEND_TIMEOUT_MS);
    return fetch(url, { credentials: "same-origin", redirect: "manual", cache: "no-store",
                        signal: controller.signal, ...options })
      .finally(() => clearTimeout(timer));
  }

  const signedOut = (response) => response.type === "opaqueredirect" || response.status === 401;

  // Who is signed in here, and a current CSRF token: {owner, csrf_token}, {signedOut: true},
  // or null when the server cannot be reached (or answered something else).
  async function session() {
    try {
      const response = await fetchWithTimeout("/api/v1/session",
                                              { headers: { Accept: "application/json" } });
      if (signedOut(response)) return { signedOut: true };
      return response.ok ? await response.json() : null;
    } catch (error) {
      return null;
    }
  }

  async function later(item) {
    item.attempts = (item.attempts || 0) + 1;
    item.nextAttemptAt = Date.now() + backoff(item.attempts);
    await put(item);
    return "retry";
  }

  // One item, once: "sent", "held" (409/422, kept for the participant), "retry" or "stop".
  async function send(item, current) {
    let response;
    try {
      response = await fetchWithTimeout(item.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json",
                   "X-CSRFToken": current.csrf_token, "X-Trellis-Owner": item.owner },
        body: JSON.stringify(item.body),
      });
    } catch (error) {
      return later(item);  // no signal, or no answer in time: the server may have saved it
    }
    if (response.status === 200 || response.status === 201) {
      await remove(item.id);
      return "sent";
    }
    if (response.status === 409 || response.status === 422) {
      const answer = await response.json().catch(() => ({}));
      item.status = response.status === 409 ? "conflict" : "invalid";
      item.errors = answer.errors && typeof answer.errors === "object" ? answer.errors : {};
      await put(item);
      return "held";
    }
    if (signedOut(response) || response.status === 403) return "stop";
    return later(item);  // 400 (a stale token), 429, 5xx: try again later
  }

  function withLock(work) {
    const locks = self.navigator && self.navigator.locks;
    return locks ? locks.request("trellis-queue", work) : work();
  }

  // Send what is due for whoever is signed in now. `force` ignores the backoff (back online,
  // the app opened). Returns {signedOut, unreachable, retrying, pending}: pending counts the
  // items still waiting to be sent.
  function flush({ force = false } = {}) {
    return withLock(async () => {
      const waiting = (await list()).filter((item) => item.status === "pending");
      const due = waiting.filter((item) => force || !(item.nextAttemptAt > Date.now()));
      if (due.length === 0) return { pending: waiting.length };
      const current = await session();
      if (current === null) return { unreachable: true, pending: waiting.length };
      if (current.signedOut) {
        await forgetPages();
        return { signedOut: true, pending: waiting.length };
      }
      let retrying = false;
      for (const item of due.filter((i) => i.owner === current.owner)) {
        const outcome = await send(item, current);
        changed();
        retrying = outcome === "retry";
        if (outcome === "stop" || outcome === "retry") break;  // the rest would fare the same
      }
      const left = (await list(current.owner)).filter((item) => item.status === "pending");
      return { pending: left.length, retrying };
    });
  }

  return { put, get, remove, list, getMeta, setMeta, changed, forgetPages, flush, session,
           PAGES_PREFIX };
})();
