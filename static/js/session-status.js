// Today: keeps "Starts in N min" / "Now" / "Ended" current without asking the server
// (a request a minute would also keep an idle session from timing out).
// The server renders the first text, and the words in the reader's language as data-text-*.
(() => {
  const SOON_MS = 60 * 60 * 1000;

  function refresh() {
    const now = Date.now();
    for (const line of document.querySelectorAll("[data-starts-at]")) {
      const start = Date.parse(line.dataset.startsAt);
      const end = Date.parse(line.dataset.endsAt);
      let text = null;
      if (now >= end) {
        text = line.dataset.textEnded;
      } else if (now >= start) {
        text = line.dataset.textNow;
      } else if (start - now <= SOON_MS) {
        const minutes = Math.max(1, Math.ceil((start - now) / 60000));
        text = line.dataset.textSoon.replace("{minutes}", String(minutes));
      }
      if (text && line.textContent !== text) {
        line.textContent = text;
      }
    }
  }

  document.addEventListener("DOMContentLoaded", refresh);
  // Pages swapped in by htmx (boosted links) bring their own lines.
  document.addEventListener("htmx:afterSettle", refresh);
  setInterval(refresh, 30 * 1000);
})();
