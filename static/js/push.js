// Reminders by web push. Permission is asked only after the person taps "Remind me"; at every
// start the phone's subscription is handed to the server again (it can change or get lost).
import { _ } from "./i18n.js";

const supported = () =>
  "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

async function send(method, body) {
  const headers = { "Content-Type": "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = await self.AankomstOutbox.csrfToken(false);
  return fetch("/api/v1/push/subscriptions", {
    method, headers, body: JSON.stringify(body), credentials: "same-origin",
  });
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function show(box, text, on) {
  box.querySelector("[data-push-status]").textContent = text;
  box.querySelector("[data-push-enable]").hidden = on;
}

async function enable(box, registration) {
  const key = await fetch("/api/v1/push/key", { credentials: "same-origin" });
  if (!key.ok) return show(box, _("Reminders are not available on this server yet."), false);
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    return show(box, _("Notifications are blocked. You can allow them in the settings of your browser."), false);
  }
  try {
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes((await key.json()).public_key),
    });
    const saved = await send("POST", subscription.toJSON());
    if (!saved.ok) throw new Error(String(saved.status));
    show(box, _("Reminders are on for this phone."), true);
  } catch {
    show(box, _("This did not work. Please try again later."), false);
  }
}

export async function startPush(registration) {
  if (!supported()) return;
  const boxes = document.querySelectorAll("[data-push]");
  const current = Notification.permission === "granted"
    ? await registration.pushManager.getSubscription()
    : null;
  if (current && document.querySelector("meta[name=aankomst-owner]")?.content) {
    await send("POST", current.toJSON()).catch(() => {}); // offline: next start
  }
  for (const box of boxes) {
    box.hidden = false;
    if (current) show(box, _("Reminders are on for this phone."), true);
    box.querySelector("[data-push-enable]").addEventListener("click", () => enable(box, registration));
  }
}

export async function stopPush() {
  // "Forget this device": the next person on this phone must not get this person's reminders.
  if (!supported()) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const current = await registration?.pushManager.getSubscription();
  if (!current) return;
  await send("DELETE", { endpoint: current.endpoint }).catch(() => {});
  await current.unsubscribe().catch(() => {});
}
