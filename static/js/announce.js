// Status messages that arrive in an htmx swap ("Saved.", "Sent."): a live region that is
// itself swapped in is often not read out, because it did not exist when its text changed.
// So the text of every role="status" in new content is also put into one polite live region
// that stays on the page (hx-preserve keeps it across boosted navigations). WCAG 4.1.3.
(() => {
  let first = true;

  document.addEventListener("htmx:load", (event) => {
    if (first && event.target === document.body) {
      first = false; // the page as loaded: a screen reader reads it anyway
      return;
    }
    const region = document.getElementById("announcer");
    if (!region) return;
    const root = event.target;
    const found = [root, ...root.querySelectorAll("[role=status]")].filter(
      (el) => el.matches && el.matches("[role=status]") && el !== region && !el.hidden,
    );
    const text = found.map((el) => el.textContent.trim()).filter(Boolean).join(" ");
    if (!text) return;
    region.textContent = "";
    // a short pause, so a repeated message ("Saved." twice) is still a change
    setTimeout(() => { region.textContent = text; }, 50);
  });
})();
