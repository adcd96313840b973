// The iframe example portal configures the widget's frame and sizes it.
// A file, not an inline script: the page's Content-Security-Policy allows scripts from
// its own origin only (docs/EMBEDDING.md, "Content Security Policy").
const frame = document.getElementById('election');
const widgetOrigin = new URL(frame.src, location.href).origin;
window.portalEvents = [];
// Configure the widget when its frame says it is ready: the data and the settings.
const configure = () => {
  frame.contentWindow.postMessage({
    election_widget: 1,
    type: 'configure',
    // URLs are relative to the widget's page (embed.html), or absolute.
    offer: 'offers/mpower-2001.json',
    holder: 'holders/e1001-avery-lindqvist.json',
    config: { preview_at: '2001-09-20T10:00:00-04:00' },
  }, widgetOrigin);
};
window.addEventListener('message', (event) => {
  // Only the widget's own origin, and only its messages.
  if (event.origin !== widgetOrigin || event.data?.source !== 'election-widget') return;
  if (event.data.type === 'frame-ready') return configure();
  window.portalEvents.push(event.data);
  if (event.data.type === 'resize') frame.style.height = `${event.data.height}px`;
  else document.getElementById('event-log').textContent += `${JSON.stringify(event.data)}\n`;
});
