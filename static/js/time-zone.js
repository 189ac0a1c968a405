// Me → time zone: offer this phone's own zone (from the browser's Intl settings) when it is in
// the list and not the one chosen. Nothing is changed until the person taps the button, and
// the form still has to be saved. Without JavaScript the list works on its own.
(() => {
  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch {
      return "";
    }
  }

  function offer(root) {
    const boxes = root.querySelectorAll("[data-time-zone]");
    // Every signed-in page loads this script, but only Me has the field; the first Intl call
    // costs a phone tens of milliseconds of blocked main thread (Lighthouse, issue 17).
    if (!boxes.length) return;
    const zone = browserZone();
    for (const box of boxes) {
      const select = box.querySelector("select");
      const suggestion = box.querySelector("[data-zone-suggestion]");
      if (!select || !suggestion) continue;
      const option = Array.from(select.options).find((o) => o.value === zone);
      if (!zone || !option || select.value === zone) {
        suggestion.hidden = true;
        continue;
      }
      suggestion.querySelector("[data-zone-label]").textContent = option.textContent;
      suggestion.hidden = false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-use-zone]");
    if (!button) return;
    const box = button.closest("[data-time-zone]");
    const select = box.querySelector("select");
    select.value = browserZone();
    select.dispatchEvent(new Event("change", { bubbles: true }));
    box.querySelector("[data-zone-suggestion]").hidden = true;
    select.focus();
  });

  document.addEventListener("change", (event) => {
    if (event.target.closest && event.target.closest("[data-time-zone]")) offer(document);
  });
  document.addEventListener("DOMContentLoaded", () => offer(document));
  // The profile card comes back through htmx after saving; boosted pages bring their own.
  document.addEventListener("htmx:load", (event) => offer(event.target));
})();
