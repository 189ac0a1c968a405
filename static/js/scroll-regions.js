// Wide tables scroll sideways on narrow screens (components.css). A region that scrolls must be
// reachable by keyboard (WCAG 2.1.1), so a table that overflows joins the tab order, and leaves
// it again when the screen is wide enough. A table that fits gains no extra tab stop.
(() => {
  function mark(root) {
    for (const table of root.querySelectorAll(".table")) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    }
  }

  document.addEventListener("DOMContentLoaded", () => mark(document));
  document.addEventListener("htmx:load", (event) => mark(event.target));
  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => mark(document), 100);
  });
})();
