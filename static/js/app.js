// Aankomst in the browser: the service worker, "ready to use offline", updates, and forgetting.
import { startChanges } from "./changes.js";
import { _, loadCatalog } from "./i18n.js";
import { startInstallOffer } from "./install.js";
import { startPush, stopPush } from "./push.js";

const status = document.getElementById("app-status");

function say(text, { button = null, onClick = null } = {}) {
  // One line above the page's content. It stays until the next news: taking it away would
  // pull the page up under the person's finger.
  if (!status) return;
  status.textContent = text;
  if (button) {
    const action = document.createElement("button");
    action.type = "button";
    action.textContent = button;
    action.addEventListener("click", onClick);
    status.append(" ", action);
  }
}

function ask(worker, message) {
  // A message to the worker, answered through a private channel.
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    worker.postMessage(message, [channel.port2]);
  });
}

function offerUpdate(worker) {
  if (status) status.dataset.prompt = "update";
  say(_("A new version of Aankomst is ready."), {
    button: _("Reload"),
    onClick: () => worker.postMessage({ type: "SKIP_WAITING" }),
  });
}

async function saveForOffline(registration) {
  // After joining (and after each update), download every page the person needs offline.
  const list = document.querySelector("[data-offline-urls]");
  if (!list) return;
  const urls = JSON.parse(list.dataset.offlineUrls);
  const key = `aankomst-offline:${list.dataset.offlineKey}`;
  const quiet = () => status?.dataset.prompt === "update"; // never hide the update prompt
  if (localStorage.getItem(key)) {
    if (!quiet()) say(_("Ready to use offline."));
    return;
  }
  if (!quiet()) say(_("Saving your checklist on this phone for use without internet…"));
  const worker = registration.active || (await navigator.serviceWorker.ready).active;
  const answer = await ask(worker, { type: "CACHE_PAGES", urls });
  if (quiet()) return;
  if (answer && answer.failed === 0) {
    localStorage.setItem(key, "1");
    say(_("Ready to use offline."));
  } else {
    say(_("Not everything could be saved for offline use. It will try again next time."));
  }
}

async function forgetOnThisPhone(event) {
  // Before "Forget this device" or deleting the account: remove this person's data here too.
  const form = event.target;
  if (form.dataset.forgotten) return;
  event.preventDefault();
  form.dataset.forgotten = "1";
  try {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith("aankomst-")) localStorage.removeItem(key);
    }
    await self.AankomstOutbox?.clear();
    await stopPush();
    const registration = await navigator.serviceWorker?.getRegistration();
    if (registration?.active) await ask(registration.active, { type: "FORGET" });
  } finally {
    form.submit();
  }
}

async function forgetPreviousPerson(registration) {
  // A shared phone: when another person signs in, the previous person's saved pages, offline
  // flags and unsent changes are removed before anything else happens.
  const owner = document.querySelector("meta[name=aankomst-owner]")?.content || "";
  const previous = localStorage.getItem("aankomst-owner");
  if (!owner || owner === previous) return;
  if (previous) {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith("aankomst-offline:")) localStorage.removeItem(key);
    }
    await self.AankomstOutbox?.keepOnly(owner);
    await stopPush(); // the previous person's reminders must not reach the next one
    if (registration.active) await ask(registration.active, { type: "FORGET" });
  }
  localStorage.setItem("aankomst-owner", owner);
}

async function start() {
  startInstallOffer();
  for (const form of document.querySelectorAll("form[data-forget-device]")) {
    form.addEventListener("submit", forgetOnThisPhone);
  }
  if (!("serviceWorker" in navigator)) return;
  await loadCatalog();
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading || !status?.dataset.updating) return;
    reloading = true;
    window.location.reload();
  });
  status?.addEventListener("click", () => { status.dataset.updating = "1"; });
  await navigator.serviceWorker.ready;
  // A page that finished loading while the first worker was still activating, or one loaded
  // past the worker (a hard reload), is not controlled: it asks the worker to take it over, so
  // its own requests are answered offline too. Not awaited: a worker of an older version does
  // not know the request, and what follows must run all the same.
  if (!navigator.serviceWorker.controller) registration.active?.postMessage({ type: "CLAIM" });
  await forgetPreviousPerson(registration);
  await startPush(registration);
  await startChanges(registration);
  await saveForOffline(registration);
}

start();
