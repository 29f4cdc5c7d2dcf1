// Texts for the scripts, from the same gettext catalogs as the pages (/i18n/catalog.json).
let messages = {};

export async function loadCatalog() {
  try {
    const response = await fetch("/i18n/catalog.json", { credentials: "same-origin" });
    if (response.ok) messages = (await response.json()).messages || {};
  } catch {
    // Offline and never cached: the English text is shown, which is better than nothing.
  }
}

export function _(text) {
  return messages[text] || text;
}
