// Medication reminders in the service worker (loaded by /sw.js with importScripts).
//
// The notification's "Taken" action marks the reminder's doses taken without opening the
// app: it posts the doses' names, the token the notification carries and a new client UUID
// to /medications/taken-from-notification (no session or CSRF token: the signed token names
// the person and exactly these doses). If that fails (no signal, token expired), the app
// opens on Today, where the doses can be marked with one tap (and kept by the offline queue).
// The payload never names a medication: only the doses' opaque names ("12-20270314-0800").
"use strict";

function medicationClientUuid() {
  if (self.crypto && self.crypto.randomUUID) return self.crypto.randomUUID();
  const bytes = self.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Resolves true when the server saved the doses (or already had them); false otherwise.
async function markTakenFromNotification(data) {
  try {
    const response = await fetch("/medications/taken-from-notification", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ dose: data.dose, token: data.doseToken,
                             client_uuid: medicationClientUuid() }),
    });
    return response.status === 200 || response.status === 201;
  } catch (error) {
    return false;  // no signal
  }
}

// Called from the notificationclick handler in sw.js for the "taken" action.
self.trellisMedicationTaken = async (data, openPage) => {
  if (data.dose && data.doseToken && await markTakenFromNotification(data)) return undefined;
  return openPage(data.url || "/today#doses");
};
