"""The installable, offline-first shell: manifest, service worker, offline page, JS catalog."""
