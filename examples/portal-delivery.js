// The delivery example portal logs what the widget tells it.
// A file, not an inline script: the page's Content-Security-Policy allows scripts from
// its own origin only (docs/EMBEDDING.md, "Content Security Policy").
const log = document.getElementById('event-log');
window.portalEvents = [];
for (const type of ['ready', 'load-error', 'election-signed', 'election-delivered', 'offer-expired']) {
  document.addEventListener(`election-widget:${type}`, (event) => {
    window.portalEvents.push(event.detail);
    const { signed_election, receipt, ...brief } = event.detail;
    log.textContent += `${JSON.stringify(brief)}\n`;
  });
}
