// The install offer: the browser's own prompt where it exists, short steps for iPhone Safari,
// and never nagging: "Not now" hides it for a week.
const DISMISSED = "aankomst-install-dismissed";
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export function installKind(userAgent, standalone) {
  // Which offer fits this browser: "ios" (steps to follow), "prompt" (the browser's), or none.
  if (standalone) return null;
  const apple = /iPhone|iPad|iPod/.test(userAgent);
  const otherBrowser = /CriOS|FxiOS|EdgiOS/.test(userAgent);
  if (apple && /Safari/.test(userAgent) && !otherBrowser) return "ios";
  return apple ? null : "prompt";
}

function dismissedRecently() {
  const at = Number(localStorage.getItem(DISMISSED) || 0);
  return Date.now() - at < WEEK_MS;
}

export function startInstallOffer() {
  const offer = document.getElementById("install-offer");
  if (!offer) return;
  const standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
  const kind = installKind(navigator.userAgent, standalone);
  if (!kind || dismissedRecently()) return;
  offer.querySelector(".install-later").addEventListener("click", () => {
    localStorage.setItem(DISMISSED, String(Date.now()));
    offer.hidden = true;
    document.getElementById("main")?.focus(); // the focused button is gone: keep focus near
  });
  if (kind === "ios") {
    offer.querySelector(".install-ios").hidden = false;
    offer.hidden = false;
    return;
  }
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    const button = offer.querySelector(".install-now");
    button.hidden = false;
    offer.hidden = false;
    button.addEventListener("click", async () => {
      offer.hidden = true;
      document.getElementById("main")?.focus();
      event.prompt();
      const choice = await event.userChoice;
      if (choice.outcome !== "accepted") localStorage.setItem(DISMISSED, String(Date.now()));
    }, { once: true });
  });
}
