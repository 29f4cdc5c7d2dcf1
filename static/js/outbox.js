// Offline changes: kept in IndexedDB with their own op_id and time, sent once through
// POST /api/v1/sync. A classic script, so the service worker (Background Sync) can use it too.
(function (scope) {
  const DB_NAME = "aankomst";
  const STORE = "outbox";
  // Changes the server refused (text it cannot store, a step no longer on the list): dropped
  // from the outbox, so they never block the rest, and kept here until the page has said so.
  const REFUSED = "refused";
  const BATCH = 200;

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 2);
      request.onupgradeneeded = () => {
        const names = request.result.objectStoreNames;
        if (!names.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: "op_id" });
        if (!names.contains(REFUSED)) request.result.createObjectStore(REFUSED, { keyPath: "op_id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, action, store = STORE) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(store, mode);
        const result = action(transaction.objectStore(store));
        transaction.oncomplete = () => resolve(result && result.result);
        transaction.onerror = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }

  const Outbox = {
    add(op) {
      return run("readwrite", (store) => store.put(op));
    },
    all(owner) {
      // Only the changes of the person signed in on this page; undefined means everyone's.
      return run("readonly", (store) => store.getAll())
        .then((ops) => (ops || []).filter((op) => owner === undefined || op.owner === owner));
    },
    async keepOnly(owner) {
      // Another person signed in on this phone: the previous person's changes go.
      const others = (await Outbox.all()).filter((op) => op.owner !== owner).map((op) => op.op_id);
      if (others.length) await Outbox.remove(others);
    },
    remove(ids) {
      return run("readwrite", (store) => ids.forEach((id) => store.delete(id)));
    },
    clear() {
      return Promise.all([
        run("readwrite", (store) => store.clear()),
        run("readwrite", (store) => store.clear(), REFUSED),
      ]);
    },
    refused(owner) {
      // The changes the server refused, with its reason, for the person signed in.
      return run("readonly", (store) => store.getAll(), REFUSED)
        .then((ops) => (ops || []).filter((op) => op.owner === owner));
    },
    forgetRefused(ids) {
      return run("readwrite", (store) => ids.forEach((id) => store.delete(id)), REFUSED);
    },
    async csrfToken(fresh) {
      // A token that expired while offline is replaced, so the queue is never lost.
      if (!fresh && scope.__aankomstCsrf) return scope.__aankomstCsrf;
      const response = await fetch("/api/v1/csrf", { credentials: "same-origin" });
      scope.__aankomstCsrf = (await response.json()).csrf_token;
      return scope.__aankomstCsrf;
    },
    async flush(owner) {
      // Send the waiting changes (in batches the server accepts) once; returns the step keys
      // the server has now.
      const waiting = await Outbox.all(owner);
      const keys = new Set();
      for (let start = 0; start < waiting.length; start += BATCH) {
        const batch = waiting.slice(start, start + BATCH);
        await Outbox.send(batch);
        batch.forEach((op) => keys.add(op.key));
      }
      return [...keys];
    },
    async send(batch) {
      const ops = batch.map(({ owner: _owner, ...op }) => op);
      let response;
      for (const fresh of [false, true]) {
        response = await fetch("/api/v1/sync", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": await Outbox.csrfToken(fresh) },
          body: JSON.stringify({ ops }),
        });
        if (response.status !== 400) break;
        const error = (await response.clone().json().catch(() => ({}))).error || {};
        if (error.code !== "csrf_failed") break;
      }
      if (!response.ok) throw new Error(`sync answered ${response.status}`);
      const { results } = await response.json();
      const byId = new Map(batch.map((op) => [op.op_id, op]));
      const refused = results
        .filter((result) => result.result === "invalid" && byId.has(result.op_id))
        .map((result) => ({ ...byId.get(result.op_id), error: result.error || "" }));
      if (refused.length) await run("readwrite", (store) => refused.forEach((op) => store.put(op)), REFUSED);
      await Outbox.remove(results.map((result) => result.op_id).filter(Boolean));
    },
  };
  scope.AankomstOutbox = Outbox;
})(self);
