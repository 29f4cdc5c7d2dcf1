// Texts for the scripts, from the same gettext catalogs as the pages (/i18n/<lang>.json).
let messages = {};

export async function loadCatalog() {
  const language = document.documentElement.lang || "en";
  const version = document.querySelector("meta[name=asset-version]")?.content || "";
  try {
    const response = await fetch(`/i18n/${language}.json?v=${version}`, { credentials: "same-origin" });
    if (response.ok) messages = (await response.json()).messages || {};
  } catch {
    // Offline and never cached: the English text is shown, which is better than nothing.
  }
}

export function _(text) {
  return messages[text] || text;
}
