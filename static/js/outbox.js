// Offline changes: kept in IndexedDB with their own op_id and time, sent once through
// POST /api/v1/sync. A classic script, so the service worker (Background Sync) can use it too.
(function (scope) {
  const DB_NAME = "aankomst";
  const STORE = "outbox";
  const BATCH = 200;

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "op_id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, action) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const result = action(transaction.objectStore(STORE));
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
      return run("readwrite", (store) => store.clear());
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
        const ops = waiting.slice(start, start + BATCH).map(({ owner: _owner, ...op }) => op);
        await Outbox.send(ops);
        ops.forEach((op) => keys.add(op.key));
      }
      return [...keys];
    },
    async send(ops) {
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
      await Outbox.remove(results.map((result) => result.op_id).filter(Boolean));
    },
  };
  scope.AankomstOutbox = Outbox;
})(self);
