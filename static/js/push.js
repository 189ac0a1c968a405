// Push reminders in the page (progressive enhancement: pages work without it).
// - Registers the service worker (/sw.js) on every signed-in page.
// - The "Turn on reminders on this phone" button (a user gesture, as iOS requires) asks for
//   permission, subscribes with the server's VAPID key and posts the subscription.
// - On opening the app, when this device had reminders on but its subscription vanished
//   (the browser dropped it), subscribes again and posts it; otherwise re-posts it once a day
//   so the server's copy stays current.
// - On Me → Reminders, says whether reminders are on here, explains Add to Home Screen on an
//   iPhone that runs Trellis in the browser, and marks "this device" in the device list.

const ON_FLAG = "trellis.push.on";          // reminders were turned on in this browser
const DEVICE_ID = "trellis.push.device";    // the server's id of this browser's subscription
const POSTED_AT = "trellis.push.posted";    // when the subscription was last posted
const DAY = 24 * 3600 * 1000;

function config() {
  const element = document.getElementById("push-config");
  return element ? element.dataset : null;
}

function csrfToken() {
  const holder = document.getElementById("csrf-token");
  return holder ? holder.dataset.token : "";
}

function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function isIos() {
  const ua = navigator.userAgent;
  return /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
}

function isInstalled() {
  return navigator.standalone === true || window.matchMedia("(display-mode: standalone)").matches;
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

async function registration() {
  await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  return navigator.serviceWorker.ready;
}

class EndpointInUse extends Error {}

async function post(url, subscription) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(subscription.toJSON()),
  });
  // 409: this browser's push address is another account's device (someone used Trellis here
  // before). The server never hands it over; subscribing afresh gives a new address.
  if (response.status === 409) throw new EndpointInUse("endpoint in use");
  if (!response.ok) {
    const error = new Error(`subscription refused: ${response.status}`);
    error.name = "RefusedError";
    throw error;
  }
  return response.json();
}

async function subscribeAndPost(reg, settings) {
  const fresh = () => reg.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(settings.publicKey),
  });
  let subscription = (await reg.pushManager.getSubscription()) || await fresh();
  let answer;
  try {
    answer = await post(settings.subscribeUrl, subscription);
  } catch (error) {
    if (!(error instanceof EndpointInUse)) throw error;
    await subscription.unsubscribe();
    subscription = await fresh();
    answer = await post(settings.subscribeUrl, subscription);
  }
  localStorage.setItem(ON_FLAG, "1");
  localStorage.setItem(DEVICE_ID, String(answer.id));
  localStorage.setItem(POSTED_AT, String(Date.now()));
  // The service worker keeps the device token to re-subscribe on pushsubscriptionchange.
  if (reg.active) {
    reg.active.postMessage({ type: "trellis-device", token: answer.device_token,
                             key: settings.publicKey });
  }
  return answer;
}

function panel() {
  return document.querySelector("[data-push-panel]");
}

function say(key) {
  const element = panel();
  if (!element) return;
  const status = element.querySelector("[data-push-status]");
  if (status && element.dataset[key]) status.textContent = element.dataset[key];
}

// Why turning reminders on failed, as the key of the sentence to show (data-text-*): the real
// cause and what to do, not "check your connection" for a refused permission.
function failure(error) {
  const name = error && error.name;
  if (name === "NotAllowedError") {
    return Notification.permission === "denied" ? "textDenied" : "textDismissed";
  }
  if (name === "AbortError" || name === "NotSupportedError" || name === "InvalidStateError") {
    return "textNoService";  // the browser's push service is off or unreachable
  }
  if (!navigator.onLine || error instanceof TypeError) return "textOffline";  // fetch failed
  if (name === "RefusedError") return "textRefused";  // Trellis answered with an error
  return "textFailed";
}

// Set once the person taps "Turn on": from then on the status line answers that tap, and the
// state check still running from page load must not overwrite the reason it failed.
let tapped = false;

async function showState() {
  const element = panel();
  if (!element) return;
  const sayState = (key) => { if (!tapped) say(key); };
  const button = element.querySelector("[data-push-turn-on]");
  if (!window.isSecureContext) {
    element.querySelector("[data-push-insecure]").hidden = false;
    sayState("textOff");
    return;
  }
  if (!supported()) {
    element.querySelector(isIos() ? "[data-push-ios]" : "[data-push-unsupported]").hidden = false;
    sayState("textOff");
    return;
  }
  if (isIos() && !isInstalled()) element.querySelector("[data-push-ios]").hidden = false;
  const reg = await registration();
  const subscription = await reg.pushManager.getSubscription();
  const on = subscription && Notification.permission === "granted"
    && localStorage.getItem(ON_FLAG) === "1";
  sayState(on ? "textOn" : Notification.permission === "denied" ? "textDenied" : "textOff");
  if (!tapped) button.hidden = Boolean(on);
  const id = localStorage.getItem(DEVICE_ID);
  for (const item of document.querySelectorAll("[data-device-id]")) {
    const mark = item.querySelector("[data-this-device]");
    if (mark) mark.hidden = !(on && item.dataset.deviceId === id);
  }
}

async function turnOn() {
  const settings = config();
  if (!settings || !supported()) return;
  tapped = true;
  say("textWorking");
  try {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      // "denied": blocked in the browser's settings; "default": the question was dismissed.
      say(permission === "denied" ? "textDenied" : "textDismissed");
      return;
    }
    await subscribeAndPost(await registration(), settings);
    window.location.reload();  // show the device in the list
  } catch (error) {
    say(failure(error));
  }
}

// On opening the app: register the worker; re-subscribe if this device should have reminders.
async function onOpen() {
  const settings = config();
  if (!settings || !supported()) return;
  const reg = await registration();
  if (localStorage.getItem(ON_FLAG) !== "1" || Notification.permission !== "granted") return;
  const subscription = await reg.pushManager.getSubscription();
  const postedAt = Number(localStorage.getItem(POSTED_AT) || 0);
  if (!subscription || Date.now() - postedAt > DAY) await subscribeAndPost(reg, settings);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-push-turn-on]");
  if (button) {
    event.preventDefault();
    turnOn();
  }
});
document.addEventListener("htmx:load", () => { showState().catch(() => {}); });
onOpen().catch(() => {}).finally(() => showState().catch(() => {}));
