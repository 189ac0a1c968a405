// What the participant sees of the offline queue (words from templates/offline/_queue.html):
// - the card that replaces a form kept on the phone, with crisis help first when needed;
// - "Not sent yet": this person's items, the server's messages for those it refused (409,
//   422) and what they can do: change the answers, send them as new, or delete them;
// - "Change answers" opens the form with the kept answers and the server's messages;
// - signing out with unsent items asks first, and lets them stay signed in.
import { answersOf, newUuid, owner } from "./offline-kinds.js";

const store = self.TrellisOffline;
const inCards = new Set();  // items whose own card is on this page (not listed again)

const panel = () => document.querySelector("[data-offline-queue-panel]");
const text = (key) => (panel() ? panel().dataset[key] || "" : "");
const ask = (name) => document.dispatchEvent(new CustomEvent(`trellis-queue:${name}`));

function timeText(iso) {
  const when = new Date(iso);
  const sameDay = when.toDateString() === new Date().toDateString();
  const options = sameDay ? { hour: "numeric", minute: "2-digit" }
    : { weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" };
  return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(when);
}

function element(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content) node.textContent = content;
  return node;
}

function messages(item) {
  const list = element("ul", "offline-item__errors");
  for (const [field, message] of Object.entries(item.errors || {})) {
    const label = (item.labels || {})[field];
    list.append(element("li", "error", label ? `${label}: ${message}` : String(message)));
  }
  return list;
}

function actions(item) {
  const row = element("div", "offline-item__actions");
  if (item.status === "invalid") {
    const change = element("a", "button", text("textChange"));
    change.href = `${item.page}#queued=${encodeURIComponent(item.id)}`;
    change.setAttribute("hx-boost", "false");
    row.append(change);
  }
  if (item.status === "conflict") {
    const resend = element("button", "button", text("textResend"));
    resend.type = "button";
    resend.dataset.offlineResend = item.id;
    row.append(resend);
  }
  const remove = element("button", "button button--quiet", text("textRemove"));
  remove.type = "button";
  remove.dataset.offlineRemove = item.id;
  row.append(remove);
  return row;
}

function entry(item) {
  const li = element("li", `offline-item offline-item--${item.status}`);
  const kind = text(`kind${item.kind.replace(/(^|-)(\w)/g, (m, dash, c) => c.toUpperCase())}`);
  li.append(element("p", "offline-item__what", text("textAnswered")
    .replace("{kind}", kind || item.kind).replace("{time}", timeText(item.answeredAt))));
  const status = { pending: "textPending", invalid: "textInvalid", conflict: "textConflict" };
  li.append(element("p", "offline-item__status", text(status[item.status] || "textPending")));
  if (item.status !== "pending") li.append(messages(item), actions(item));
  return li;
}

export function renderPanel(items) {
  const box = panel();
  if (!box) return;
  const shown = items.filter((item) => !(inCards.has(item.id) && item.status === "pending"));
  const list = box.querySelector("[data-offline-queue-items]");
  list.replaceChildren(...shown.map(entry));
  box.querySelector("[data-offline-send-now]").hidden =
    !navigator.onLine || !shown.some((item) => item.status === "pending");
  box.hidden = shown.length === 0;
}

// Replace the form with "Saved on this phone"; crisis help first when the answers call for it.
export function showSaved(form, item, help) {
  const template = document.querySelector("[data-offline-saved-template]");
  if (!template) return;
  const card = template.content.firstElementChild.cloneNode(true);
  card.dataset.itemId = item.id;
  inCards.add(item.id);
  const crisis = help && form.querySelector("[data-crisis-help]");
  if (crisis) {
    const copy = crisis.cloneNode(true);
    copy.hidden = false;
    card.querySelector("[data-offline-saved-crisis]").append(copy);
  }
  (form.closest("section") || form).replaceWith(card);
  const first = card.querySelector("[data-crisis-help] h2") || card.querySelector("h2");
  first.setAttribute("tabindex", "-1");
  first.focus();
}

// Cards of items the server has taken say so; refused ones say why (the list has the rest).
export function sentNow(items) {
  for (const card of document.querySelectorAll(".offline-saved[data-item-id]")) {
    const item = items.find((i) => i.id === card.dataset.itemId);
    const status = card.querySelector("[data-offline-saved-status]");
    if (!item) status.textContent = status.dataset.textSent;
    else if (item.status !== "pending") {
      status.textContent = text(item.status === "invalid" ? "textInvalid" : "textConflict");
      inCards.delete(item.id);
    }
  }
}

// --- acting on refused items ---------------------------------------------------------------

document.addEventListener("click", async (event) => {
  const target = event.target.closest && event.target.closest("button");
  if (!target || !store) return;
  if (target.dataset.offlineRemove && window.confirm(text("textConfirmRemove"))) {
    await store.remove(target.dataset.offlineRemove);
    store.changed();
    ask("changed");
  } else if (target.dataset.offlineResend) {
    const item = await store.get(target.dataset.offlineResend);
    if (!item || item.owner !== owner()) return;
    // The old UUID belongs to other answers on the server: these get a new one.
    const id = newUuid();
    await store.put({ ...item, id, body: { ...item.body, client_uuid: id }, status: "pending",
                      errors: {}, attempts: 0, nextAttemptAt: 0 });
    await store.remove(item.id);
    ask("flush");
  } else if (target.matches("[data-offline-send-now]")) {
    ask("flush");
  }
});

// "Change answers": the form again, with the kept answers and what the server said.
async function prefill() {
  const match = /^#queued=(.+)$/.exec(window.location.hash);
  if (!match || !store) return;
  const item = await store.get(decodeURIComponent(match[1]));
  const form = item && item.owner === owner()
    && document.querySelector(`form[data-offline-queue="${item.kind}"]`);
  if (!form) return;
  form.elements.client_uuid.value = item.id;
  for (const [name, value] of Object.entries(answersOf(item))) {
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    for (const control of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (control.type === "radio" || control.type === "checkbox") {
        control.checked = values.includes(control.value);
      } else if (control.type !== "hidden") {
        control.value = values[0];
      }
    }
  }
  const earlier = form.querySelector("[data-offline-prefill]");
  if (earlier) earlier.remove();
  const box = element("div", "alert alert--error");
  box.dataset.offlinePrefill = item.id;
  box.setAttribute("role", "alert");
  box.append(element("p", null, text("textInvalid")), messages(item));
  form.prepend(box);
  form.dispatchEvent(new Event("change", { bubbles: true }));  // crisis help, if called for
}

// --- signing out with unsent items --------------------------------------------------------

let leaving = null;

function signOut(form) {
  form.dataset.confirmed = "1";
  form.submit();
}

async function beforeSignOut(form) {
  const who = owner();
  let items = who ? await store.list(who) : [];
  if (items.length && navigator.onLine) {
    await Promise.race([store.flush({ force: true }),
                        new Promise((resolve) => { setTimeout(resolve, 8000); })]).catch(() => {});
    items = await store.list(who);
  }
  const dialog = document.querySelector("[data-signout-dialog]");
  if (items.length === 0 || !dialog) {
    signOut(form);
    return;
  }
  const counts = dialog.querySelector("[data-signout-counts]");
  counts.replaceChildren();
  const perKind = {};
  for (const item of items) perKind[item.kind] = (perKind[item.kind] || 0) + 1;
  for (const [kind, n] of Object.entries(perKind)) {
    const key = `count${kind.replace(/(^|-)(\w)/g, (m, dash, c) => c.toUpperCase())}`;
    const words = text(`${key}${n === 1 ? "One" : "Other"}`).replace("{n}", String(n));
    counts.append(element("p", "signout-dialog__count", words));
  }
  leaving = form;
  dialog.showModal();
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest && event.target.closest("form[data-signout]");
  if (!form || form.dataset.confirmed || !store) return;
  event.preventDefault();
  beforeSignOut(form).catch(() => signOut(form));
});

document.addEventListener("click", (event) => {
  if (!event.target.closest) return;
  const dialog = document.querySelector("[data-signout-dialog]");
  if (event.target.closest("[data-signout-stay]")) dialog.close();
  if (event.target.closest("[data-signout-anyway]") && leaving) signOut(leaving);
});

// A boosted link to a form with #queued=… swaps the page in; a link on the same page only
// changes the hash.
document.addEventListener("htmx:load", (event) => {
  if (event.target.querySelector && event.target.querySelector("main")) prefill().catch(() => {});
});
window.addEventListener("hashchange", () => { prefill().catch(() => {}); });
prefill().catch(() => {});
