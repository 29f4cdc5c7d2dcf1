// Checklist changes go through the outbox: shown at once, marked "waiting to sync" until the
// server has them, sent when there is a connection (now, on "online", at the next start).
import { _ } from "./i18n.js";

const Outbox = self.AankomstOutbox;
const owner = document.querySelector("meta[name=aankomst-owner]")?.content || "";

function labels() {
  const holder = document.querySelector("[data-status-labels]");
  return holder ? JSON.parse(holder.dataset.statusLabels) : {};
}

function anchorOf(root) {
  // Where a step's sync news goes when no form made it: under the card's title, or under the
  // step page's status.
  return root.querySelector(".step-head") || root.querySelector(".badge")?.parentElement || root.firstElementChild;
}

function formFor(root, op) {
  // On the step page, the form whose button made this change (status, note or "stuck").
  if (!root.matches("[data-step-page]")) return null;
  const kind = op.status ? ".status-form" : "note" in op ? ".note-form" : ".stuck-form";
  return root.querySelector(`form${kind}[data-step]`);
}

function pendingMark(root, op) {
  // Right below the buttons that made the change, where the person is looking; on the list,
  // under the card's title (its button is gone once the step is done).
  const form = formFor(root, op);
  const holder = form || root;
  if (holder.querySelector(".pending-mark")) return;
  const mark = document.createElement("p");
  mark.className = "pending-mark";
  mark.textContent = _("Waiting to sync");
  if (form) form.append(mark);
  else anchorOf(root).after(mark);
}

function show(op) {
  // Put one change on the page: the list's card or the step page, whichever is shown.
  const names = labels();
  const card = document.getElementById(`step-${op.key}`);
  const page = document.querySelector(`[data-step-page="${op.key}"]`);
  for (const root of [card, page].filter(Boolean)) {
    if (op.status) {
      const badge = root.querySelector(".badge");
      if (badge && names[op.status]) {
        badge.textContent = names[op.status];
        badge.className = `badge badge-${op.status}`;
      }
      root.classList.remove("status-todo", "status-doing", "status-done", "status-skipped");
      root.classList.add(`status-${op.status}`);
      for (const button of root.querySelectorAll("button[name=status]")) {
        button.setAttribute("aria-pressed", String(button.value === op.status));
      }
      if (card && (op.status === "done" || op.status === "skipped")) {
        card.classList.remove("is-overdue");
        card.querySelector("form.step-actions")?.remove();
      }
    }
    if ("note" in op && root.querySelector("#note")) root.querySelector("#note").value = op.note || "";
    if ("stuck" in op && root.querySelector("input[name=stuck]")) root.querySelector("input[name=stuck]").checked = op.stuck;
    if ("stuck_reason" in op && root.querySelector("#stuck_reason")) root.querySelector("#stuck_reason").value = op.stuck_reason || "";
    if ("stuck_category" in op) {
      root.querySelectorAll("input[name=stuck_category]").forEach((input) => { input.checked = input.value === op.stuck_category; });
    }
    pendingMark(root, op);
  }
}

async function showRefused() {
  // Say, on the step itself, which change the server could not save, and why (once).
  const refused = await Outbox.refused(owner);
  for (const op of refused) {
    const root = document.querySelector(`[data-step-page="${op.key}"]`) || document.getElementById(`step-${op.key}`);
    if (!root) continue;
    const note = document.createElement("p");
    note.className = "sync-error";
    note.setAttribute("role", "alert");
    const refusedText = _("This change could not be saved.");
    note.textContent = op.error ? `${refusedText} ${op.error}` : refusedText;
    anchorOf(root).after(note);
  }
  if (refused.length) await Outbox.forgetRefused(refused.map((op) => op.op_id));
}

function clearMarks() {
  for (const mark of document.querySelectorAll(".pending-mark")) mark.remove();
}

function changeFrom(form, submitter) {
  const data = new FormData(form);
  if (submitter?.name === "status") return { status: submitter.value };
  if (data.has("note")) return { note: data.get("note") };
  if (data.get("form") === "stuck") {
    const stuck = data.get("stuck") === "1";
    return {
      stuck,
      stuck_reason: stuck ? data.get("stuck_reason") || null : null,
      stuck_category: stuck ? data.get("stuck_category") || null : null,
    };
  }
  return null;
}

async function sync(registration) {
  if (!owner) return;
  try {
    const keys = await Outbox.flush(owner);
    await showRefused();
    if (keys.length === 0) return;
    // The saved pages now show what the server has; marks stay on what is still waiting.
    clearMarks();
    (await Outbox.all(owner)).forEach(show);
    const urls = ["/", ...keys.map((key) => `/steps/${key}`)];
    registration?.active?.postMessage({ type: "CACHE_PAGES", urls });
  } catch {
    // No connection (or Wi-Fi without internet): the changes stay in the outbox, and the
    // browser is asked to send them as soon as it can, even with the app closed.
    registration?.sync?.register("aankomst-outbox").catch(() => {});
  }
}

export async function startChanges(registration) {
  if (!Outbox || !owner) return;
  await Outbox.keepOnly(owner);
  const ops = (await Outbox.all(owner)).sort((a, b) => a.at.localeCompare(b.at));
  ops.forEach(show);
  for (const form of document.querySelectorAll("form[data-step]")) {
    form.addEventListener("submit", async (event) => {
      const change = changeFrom(form, event.submitter);
      if (!change) return;
      event.preventDefault();
      const op = { op_id: crypto.randomUUID(), owner, key: form.dataset.step, at: new Date().toISOString(), ...change };
      await Outbox.add(op);
      show(op);
      await sync(registration);
    });
  }
  window.addEventListener("online", () => sync(registration));
  await sync(registration);
}
