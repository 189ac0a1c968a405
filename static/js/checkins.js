// Progressive enhancement for check-in pages (everything works without it):
// - forms marked data-safety-kind show their crisis help as soon as an answer calls for it,
//   using the same rules as the server (safety.js), before anything is sent;
// - buttons marked data-print appear and print the page (the safety plan).
import { triggers } from "./safety.js";

function answersOf(form) {
  const answers = {};
  for (const [name, value] of new FormData(form)) answers[name] = value;
  return answers;
}

function updateCrisisHelp(form) {
  const help = form.querySelector("[data-crisis-help]");
  if (!help) return;
  const needed = triggers(form.dataset.safetyKind, answersOf(form)).length > 0;
  // Only ever reveal here: the server decides to show it too, and hiding help is never urgent.
  if (needed) help.hidden = false;
}

function enhance(root) {
  for (const form of root.querySelectorAll("form[data-safety-kind]")) updateCrisisHelp(form);
  for (const button of root.querySelectorAll("button[data-print]")) button.hidden = false;
}

document.addEventListener("change", (event) => {
  const form = event.target.closest && event.target.closest("form[data-safety-kind]");
  if (form) updateCrisisHelp(form);
});

document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("button[data-print]")) window.print();
});

// First load, and every page or fragment htmx swaps in (boosted navigation included).
enhance(document);
document.addEventListener("htmx:load", (event) => enhance(event.target));
