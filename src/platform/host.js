// The host page (host.rs): an election handed to it by postMessage, and its answer.
export function ewPostToHost(message, targetOrigin) {
  const target = window.parent !== window ? window.parent : window;
  target.postMessage(message, targetOrigin);
}
export function ewAwaitReply(key, origins, timeoutMs) {
  return new Promise((resolve, reject) => {
    const done = () => { clearTimeout(timer); window.removeEventListener('message', listener); };
    const listener = (event) => {
      const d = event.data;
      if (!d || typeof d !== 'object' || d.type !== 'election-widget:delivery-result' || d.idempotency_key !== key) return;
      if (!origins.includes(event.origin)) {
        const root = document.documentElement;
        root.dataset.ewIgnoredDeliveryMessages = String(Number(root.dataset.ewIgnoredDeliveryMessages || 0) + 1);
        return;
      }
      done();
      resolve(JSON.stringify(d));
    };
    const timer = setTimeout(() => {
      done();
      const err = new Error('the portal did not answer in time');
      err.kind = 'timeout';
      reject(err);
    }, timeoutMs);
    window.addEventListener('message', listener);
  });
}
