// Between tabs (tabs.rs): the Web Lock one tab sends under, and the channel tabs announce changes on.
// Resolves, once the lock is granted, with the function that releases it. Browsers
// without Web Locks grant it at once.
export function ewAcquire(name) {
  return new Promise((granted) => {
    if (!(navigator.locks && navigator.locks.request)) { granted(() => {}); return; }
    navigator.locks.request(name, () => new Promise((release) => granted(release))).catch(() => granted(() => {}));
  });
}
const channels = new Map();
export function ewListen(name, callback) {
  if (!self.BroadcastChannel) return () => {};
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event) => callback(String(event.data));
  return () => channel.close();
}
export function ewAnnounce(name, sender) {
  if (!self.BroadcastChannel) return;
  let channel = channels.get(name);
  if (!channel) { channel = new BroadcastChannel(name); channels.set(name, channel); }
  channel.postMessage(sender);
}
