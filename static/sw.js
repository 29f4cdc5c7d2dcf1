// Aankomst service worker: the app shell and the person's pages, available offline.
// VERSION and SHELL are filled in by the server (/sw.js); a new deployment means new caches.
const VERSION = "__VERSION__";
const SHELL = ["__SHELL__"];
const SHELL_CACHE = `aankomst-shell-${VERSION}`;
// The person's pages and answers outlive deployments: a new version must not empty them.
const PAGES_CACHE = "aankomst-pages";
const API_CACHE = "aankomst-api";
const NETWORK_TIMEOUT_MS = 4000;
// Pages a newcomer may need offline. Never cached: staff pages, join links, the recovery code.
const OFFLINE_PAGES = [/^\/$/, /^\/steps\/[\w-]+$/, /^\/settings$/];
const OFFLINE_API = [/^\/api\/v1\/checklist$/];

importScripts("__OUTBOX__");

self.addEventListener("sync", (event) => {
  // Background Sync, where the browser has it: send the outbox even with no page open.
  if (event.tag === "aankomst-outbox") {
    event.waitUntil(self.AankomstOutbox.flush().then((keys) => keys.length && cachePages(["/", ...keys.map((k) => `/steps/${k}`)])));
  }
});

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => {
      // The very first worker takes over at once; later versions wait for the person's "reload".
      if (!self.registration.active) return self.skipWaiting();
    }),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("aankomst-shell-") && name !== SHELL_CACHE)
          .map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("push", (event) => {
  // A reminder or buddy news: title, one line and the page to open, in the person's language.
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data?.text() };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Aankomst", {
      body: data.body || "",
      icon: "__ICON__",
      badge: "__BADGE__",
      tag: data.tag,
      lang: data.lang,
      data: { url: sameOriginPath(data.url) },
    }),
  );
});

function sameOriginPath(url) {
  // Only ever open a page of this app.
  try {
    const target = new URL(url || "/", self.location.origin);
    const inside = target.origin === self.location.origin && !target.pathname.startsWith("//");
    return inside ? target.pathname + target.search : "/";
  } catch {
    return "/";
  }
}

self.addEventListener("notificationclick", (event) => {
  // Focus a window of the app that is already open (on that page), or open one.
  event.notification.close();
  const url = sameOriginPath(event.notification.data?.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(async (windows) => {
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (!open) return self.clients.openWindow(url);
      const shown = new URL(open.url).pathname === url ? open : await open.navigate(url);
      return (shown || open).focus().catch(() => shown || open);
    }),
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "SKIP_WAITING") self.skipWaiting();
  if (data.type === "CACHE_PAGES") event.waitUntil(cachePages(data.urls || [], event.ports[0]));
  if (data.type === "FORGET") event.waitUntil(forgetEverything(event.ports[0]));
  if (data.type === "CLAIM") event.waitUntil(self.clients.claim().catch(() => {}));
});

async function cachePages(urls, port) {
  // Everything the person needs offline, downloaded in one go; the page shows the outcome.
  const cache = await caches.open(PAGES_CACHE);
  const results = await Promise.allSettled(urls.map(async (url) => {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    await cache.put(url, response);
  }));
  const failed = results.filter((result) => result.status === "rejected").length;
  if (port) port.postMessage({ type: "CACHED", total: urls.length, failed });
}

async function forgetEverything(port) {
  // "Forget this device": no page, note or answer of this person stays on the phone.
  const names = await caches.keys();
  await Promise.all(names.filter((n) => !n.startsWith("aankomst-shell-")).map((n) => caches.delete(n)));
  if (port) port.postMessage({ type: "FORGOTTEN" });
}

async function offlinePage() {
  // The copy saved with the person's pages speaks their language; the shell's is the fallback.
  return (await (await caches.open(PAGES_CACHE)).match("/offline")) || caches.match("/offline");
}

function matches(patterns, path) {
  return patterns.some((pattern) => pattern.test(path));
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

async function networkFirst(request, cacheName, keep) {
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (keep && response.ok) (await caches.open(cacheName)).put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(request, { ignoreSearch: false });
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;

  if (url.pathname.startsWith("/assets/") || url.pathname.startsWith("/i18n/")) {
    // Versioned URLs: a cached copy is always the right one, and never another version's.
    event.respondWith(caches.match(request).then((cached) => cached || fetch(request)));
    return;
  }
  if (request.mode === "navigate") {
    const keep = matches(OFFLINE_PAGES, url.pathname) && url.search === "";
    event.respondWith(
      networkFirst(request, PAGES_CACHE, keep)
        .catch(async () => (await caches.match(url.pathname)) || (await offlinePage()) || Response.error()),
    );
    return;
  }
  if (matches(OFFLINE_API, url.pathname) || url.pathname === "/offline") {
    event.respondWith(networkFirst(request, url.pathname.startsWith("/api/") ? API_CACHE : SHELL_CACHE, true));
  }
});
