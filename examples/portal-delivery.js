// The delivery example portal hands the widget the employee's bearer token and logs what
// the widget tells it.
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

// The employee's bearer token, from the portal's sign-on. A real portal asks its identity
// provider's library (renewing the token when `fresh` says the last was refused); this
// stand-in gives the demo receiver's token for Avery (crates/election-receiver/demo.toml).
const signOn = {
  async accessToken() {
    return 'demo-token-e1001-avery';
  },
};
document.getElementById('avery').token = (ask) => signOn.accessToken(ask);
