// "Put the app on your home screen" (templates/offline/_install.html), on Today:
// - where the browser offers installing (beforeinstallprompt), an Install button that opens
//   the browser's own prompt;
// - on iPhone and iPad (no such event), the Share → Add to Home Screen steps;
// - never in the installed app, and "Not now" (or dismissing the browser's prompt) hides it
//   for 30 days on this phone.
(() => {
  const DISMISSED = "trellis.install.dismissed";
  const QUIET_MS = 30 * 24 * 3600 * 1000;
  let offered = null;  // the deferred beforeinstallprompt event

  const card = () => document.querySelector("[data-install-card]");

  function installed() {
    return navigator.standalone === true
      || window.matchMedia("(display-mode: standalone)").matches;
  }

  function isIos() {
    const ua = navigator.userAgent;
    return /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
  }

  function dismissedLately() {
    return Date.now() - Number(localStorage.getItem(DISMISSED) || 0) < QUIET_MS;
  }

  function show() {
    const element = card();
    if (!element) return;
    const prompt = element.querySelector("[data-install-prompt]");
    const ios = element.querySelector("[data-install-ios]");
    prompt.hidden = !offered;
    ios.hidden = Boolean(offered) || !isIos();
    element.hidden = installed() || dismissedLately() || (prompt.hidden && ios.hidden);
  }

  function dismiss() {
    localStorage.setItem(DISMISSED, String(Date.now()));
    const element = card();
    if (element) element.hidden = true;
  }

  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();  // our button instead of the browser's banner
    offered = event;
    show();
  });
  window.addEventListener("appinstalled", () => {
    offered = null;
    show();
  });

  document.addEventListener("click", async (event) => {
    if (!event.target.closest) return;
    if (event.target.closest("[data-install-dismiss]")) dismiss();
    if (event.target.closest("[data-install-button]") && offered) {
      const prompt = offered;
      offered = null;
      prompt.prompt();
      const choice = await prompt.userChoice;
      if (choice && choice.outcome === "dismissed") dismiss();
      show();
    }
  });

  document.addEventListener("htmx:load", show);
  show();
})();
