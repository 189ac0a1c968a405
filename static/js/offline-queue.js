// The offline queue in the page, a layer over forms that work without it (docs/offline.md).
//
// A form marked data-offline-queue="<kind>" with a client_uuid field is sent by htmx as usual.
// When the phone is offline, or the request fails or times out, its answers are kept on this
// phone (static/js/offline-store.js) under the client UUID and the signed-in participant's
// owner id, the form is replaced by "Saved on this phone — will send when you're back
// online" (with the crisis help at once when the answers call for it, as static/js/safety.js
// decides), and the queue is sent: by Background Sync where the browser has it, and from the
// page when it opens, comes back online or becomes visible, and on a timer with backoff.
import { triggers } from "./safety.js";
import { fieldsOf, KINDS, labelsOf, newUuid, owner } from "./offline-kinds.js";
import { renderPanel, showSaved, sentNow } from "./offline-panel.js";

const store = self.TrellisOffline;
const REQUEST_TIMEOUT_MS = 30 * 1000;
const CLOCK = "trellis.offline.clock";  // the server's clock minus this phone's, in ms
let timer = null;

// A phone whose clock is wrong dates its answers by the server's clock (as last seen).
function clockOffset() {
  const marker = document.getElementById("offline-owner");
  if (marker && marker.dataset.serverNow && !document.body.dataset.offlineSavedAt) {
    const offset = Number(marker.dataset.serverNow) - Date.now();
    localStorage.setItem(CLOCK, String(Math.abs(offset) > 2 * 60 * 1000 ? offset : 0));
  }
  return Number(localStorage.getItem(CLOCK) || 0);
}

function queueFormOf(element) {
  const form = element && element.closest && element.closest("form[data-offline-queue]");
  return form && KINDS[form.dataset.offlineQueue] && form.elements.client_uuid ? form : null;
}

async function keep(form) {
  const who = owner();
  if (!who || !store) return false;
  const spec = KINDS[form.dataset.offlineQueue];
  const fields = fieldsOf(form);
  const answeredAt = form.dataset.answeredAt || new Date(Date.now() + clockOffset()).toISOString();
  const item = {
    id: form.elements.client_uuid.value, owner: who, kind: form.dataset.offlineQueue,
    url: spec.url, body: { ...spec.body(form, fields), client_timestamp: answeredAt },
    labels: labelsOf(form), page: window.location.pathname, answeredAt,
    createdAt: Date.now(), status: "pending", attempts: 0, errors: {},
  };
  await store.put(item);
  const help = spec.safety ? triggers(spec.safety(form), fields).length > 0 : false;
  showSaved(form, item, help);
  store.changed();
  requestSync();
  schedule(1000);
  return true;
}

function requestSync() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.sync && registration.sync.register("trellis-queue"))
    .catch(() => {});  // no Background Sync: the page's own retries below
}

let unreachable = 0;  // tries in a row that could not reach the server at all

async function flush(force) {
  if (!store || !owner()) return;
  const result = await store.flush({ force });
  unreachable = result.unreachable ? unreachable + 1 : 0;
  if (result.signedOut && navigator.serviceWorker && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage({ type: "trellis-signed-out" });
  }
  await refresh();
}

// Next try: when the earliest item is due (at least `soonest` ms from now).
async function schedule(soonest = 5000) {
  clearTimeout(timer);
  const who = owner();
  if (!store || !who) return;
  const waiting = (await store.list(who)).filter((item) => item.status === "pending");
  if (waiting.length === 0) return;
  // Offline: the "online" event sends them. Unreachable: back off as for a failed send.
  if (!navigator.onLine) return;
  const due = Math.min(...waiting.map((item) => item.nextAttemptAt || 0));
  const pause = unreachable ? Math.min(30 * 1000 * 2 ** (unreachable - 1), 30 * 60 * 1000) : 0;
  timer = setTimeout(() => flush(false).catch(() => {}).finally(() => schedule()),
                     Math.max(soonest, pause, due - Date.now()));
}

async function refresh() {
  const who = owner();
  if (!store || !who) return;
  const items = await store.list(who);
  renderPanel(items);
  sentNow(items);
  schedule();
}

// --- htmx: keep what cannot be sent -------------------------------------------------------

document.addEventListener("htmx:beforeRequest", (event) => {
  const form = queueFormOf(event.detail.elt);
  if (!form) return;
  // When it was answered: kept through a failed send, so a resend is the same submission.
  form.dataset.answeredAt = form.dataset.answeredAt
    || new Date(Date.now() + clockOffset()).toISOString();
  if (!navigator.onLine && owner()) {
    event.preventDefault();
    keep(form).catch(() => {});
  }
});

document.addEventListener("htmx:configRequest", (event) => {
  if (queueFormOf(event.detail.elt)) event.detail.timeout = REQUEST_TIMEOUT_MS;
});

for (const name of ["htmx:sendError", "htmx:timeout"]) {
  document.addEventListener(name, (event) => {
    const form = queueFormOf(event.detail.elt);
    if (form && form.isConnected) keep(form).catch(() => {});
  });
}

// A form sent from the queue's "Change answers" that the server took: it is no longer pending.
// (beforeSwap: after the swap the form has left the page, and its events reach no listener.)
document.addEventListener("htmx:beforeSwap", (event) => {
  const form = queueFormOf(event.detail.requestConfig && event.detail.requestConfig.elt);
  const status = event.detail.xhr && event.detail.xhr.status;
  if (form && store && (status === 200 || status === 201)) {
    store.remove(form.elements.client_uuid.value).then(() => store.changed()).catch(() => {});
  }
});

// --- when to send ------------------------------------------------------------------------

window.addEventListener("online", () => { flush(true).catch(() => {}); });
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") flush(false).catch(() => {});
});
if ("BroadcastChannel" in self) {
  new BroadcastChannel("trellis-queue").addEventListener("message", () => {
    refresh().catch(() => {});
  });
}

// A page the service worker answered from its copy: its form's UUID may have been used since.
function freshen(root) {
  if (!document.body.dataset.offlineSavedAt) return;
  for (const form of root.querySelectorAll("form[data-offline-queue]")) {
    if (form.elements.client_uuid && !form.dataset.fresh) {
      form.elements.client_uuid.value = newUuid();
      form.dataset.fresh = "1";
    }
  }
}

document.addEventListener("htmx:load", (event) => {
  freshen(event.target);
  if (event.target.querySelector && event.target.querySelector("main")) refresh().catch(() => {});
});
freshen(document);
clockOffset();
flush(true).catch(() => {});
document.addEventListener("trellis-queue:flush", () => { flush(true).catch(() => {}); });
document.addEventListener("trellis-queue:changed", () => { refresh().catch(() => {}); });
