// The example portal listens to the widgets' events.
// A file, not an inline script: the page's Content-Security-Policy allows scripts from
// its own origin only (docs/EMBEDDING.md, "Content Security Policy").
// The portal listens to the widgets' events (docs/EMBEDDING.md).
const log = document.getElementById('event-log');
window.portalEvents = [];
for (const type of ['ready', 'load-error', 'draft-changed', 'acknowledgment-changed', 'election-signed', 'election-delivered', 'offer-expired']) {
  document.addEventListener(`election-widget:${type}`, (event) => {
    const entry = { element: event.target.id || event.target.tagName.toLowerCase(), detail: event.detail };
    window.portalEvents.push(entry);
    log.textContent += `${entry.element}: ${JSON.stringify(event.detail)}\n`;
  });
}
