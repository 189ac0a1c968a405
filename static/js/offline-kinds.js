// What the offline queue can keep, and how a form becomes the JSON its API takes.
// A form opts in with data-offline-queue="<kind>" and a client_uuid field; each kind names
// its idempotent API (same contract: client_uuid, 201/200/409/422 JSON) and, where answers
// can call for crisis help, the safety rules that apply (static/js/safety.js).

// The form's fields as the API names them: repeated checkboxes become lists; no CSRF token.
export function fieldsOf(form) {
  const counts = {};
  for (const box of form.querySelectorAll("input[type=checkbox][name]")) {
    counts[box.name] = (counts[box.name] || 0) + 1;
  }
  const fields = {};
  for (const [name, value] of new FormData(form)) {
    if (name === "csrf_token" || typeof value !== "string") continue;
    if (counts[name] > 1) (fields[name] = fields[name] || []).push(value);
    else fields[name] = value;
  }
  return fields;
}

export const KINDS = {
  "checkin": {
    url: "/api/v1/checkins",
    safety: () => "checkin",
    body: (form, fields) => fields,
  },
  "scale-response": {
    url: "/api/v1/scale-responses",
    safety: (form) => form.dataset.scale,
    body: (form, fields) => {
      const { client_uuid: clientUuid, ...answers } = fields;
      return { scale: form.dataset.scale, client_uuid: clientUuid, answers };
    },
  },
  "skill-practice": {
    url: "/api/v1/skill-practices",
    body: (form, fields) => fields,
  },
  // A dose's Taken / Skip on Today, and "Log a dose" (docs/medications.md).
  "medication-dose": {
    url: "/api/v1/medication-doses",
    body: (form, fields) => fields,
  },
};

// The answers a queued item holds, by field name (a questionnaire's are under "answers").
export function answersOf(item) {
  return item.kind === "scale-response" ? { ...item.body.answers } : { ...item.body };
}

// What each field is called on the form (its legend or label), to explain the server's
// messages when the form is not on screen.
export function labelsOf(form) {
  const labels = {};
  for (const control of form.querySelectorAll("[name]")) {
    if (labels[control.name]) continue;
    const fieldset = control.closest("fieldset");
    const legend = fieldset && fieldset.querySelector("legend");
    const label = legend
      || (control.id && form.querySelector(`label[for="${CSS.escape(control.id)}"]`));
    if (label) labels[control.name] = label.textContent.replace(/\s+/g, " ").trim().slice(0, 120);
  }
  return labels;
}

export function owner() {
  const marker = document.getElementById("offline-owner");
  return marker ? marker.dataset.user : null;
}

// A client UUID (crypto.randomUUID where the browser has it).
export function newUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
          hex.slice(20)].join("-");
}
