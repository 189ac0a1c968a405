// Today: keeps "Starts in N min" / "Now" / "Ended" current without asking the server
// (a request a minute would also keep an idle session from timing out).
// The server renders the first text, and the words in the reader's language as data-text-*.
(() => {
  const SOON_MS = 60 * 60 * 1000;
  const plural = new Intl.PluralRules(document.documentElement.lang || "en");

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
        // The server gives the sentence in each plural form of the page's language
        // (data-text-soon-one, -other…); the browser's plural rules pick the form.
        const form = plural.select(minutes);
        const sentence = line.dataset["textSoon" + form[0].toUpperCase() + form.slice(1)]
          || line.dataset.textSoonOther;
        text = sentence.replace("{minutes}", String(minutes));
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
