// Called from element.rs (wasm-bindgen imports this module; it is linted as JavaScript).
// `connect(element)` gives a promise of the element's handle (its code may be a module
// fetched on the first connection), or of null when that code could not be loaded.
export function defineElectionWidget(tag, connect) {
  if (customElements.get(tag)) return;
  const INPUTS = ['offer', 'holder', 'config'];
  class ElectionWidget extends HTMLElement {
    static get observedAttributes() { return INPUTS; }
    constructor() {
      super();
      this._ewInputs = {};
      this._ew = null;
      this._ewPending = null;
      this._ewChanged = false;
      this.attachShadow({ mode: 'open' });
      // A property the page set before this class was defined (this script is a module,
      // so it runs after the page's own scripts) sits on the element itself and would
      // hide the class's setter: hand it to the setter instead.
      for (const name of [...INPUTS, 'token']) {
        if (Object.prototype.hasOwnProperty.call(this, name)) {
          const value = this[name];
          delete this[name];
          this[name] = value;
        }
      }
    }
    connectedCallback() {
      // A move (removed and added in one task) keeps the running widget.
      if (this._ew || this._ewPending) return;
      this._ewChanged = false;
      this._ewPending = connect(this).then((handle) => {
        this._ewPending = null;
        if (!handle) return;
        if (!this.isConnected) {
          handle.disconnect();
          handle.free();
          return;
        }
        this._ew = handle;
        // An input that changed while the handle was on its way.
        if (this._ewChanged) handle.changed();
      });
    }
    disconnectedCallback() {
      queueMicrotask(() => {
        if (!this.isConnected && this._ew) {
          const handle = this._ew;
          this._ew = null;
          handle.disconnect();
          handle.free();
        }
      });
    }
    _ewChange() {
      if (this._ew) this._ew.changed();
      else this._ewChanged = true;
    }
    attributeChangedCallback(name, before, after) {
      if (before !== after) this._ewChange();
    }
  }
  // The employee's bearer token for the backend: a string, or a function the widget calls
  // before each request (`{fresh: true}` when the last token was refused), returning a
  // string or a promise of one. A property only, and write-only: an attribute would put
  // the token in the DOM, where every script and tool on the page reads it.
  Object.defineProperty(ElectionWidget.prototype, 'token', {
    get() { return undefined; },
    set(value) { this._ewToken = value; },
  });
  for (const name of INPUTS) {
    Object.defineProperty(ElectionWidget.prototype, name, {
      get() { return name in this._ewInputs ? this._ewInputs[name] : this.getAttribute(name); },
      set(value) {
        if (value === null || value === undefined) delete this._ewInputs[name];
        else this._ewInputs[name] = value;
        this._ewChange();
      },
    });
  }
  customElements.define(tag, ElectionWidget);
}

// The host's token for `host` (element.rs): null when it gives none. A token is one
// non-empty run of visible characters; anything else is refused, not sent.
export async function ewHostToken(host, fresh) {
  const source = host._ewToken;
  if (source === undefined || source === null) return null;
  const token = typeof source === 'function' ? await source({ fresh }) : source;
  if (token === undefined || token === null) return null;
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
    throw new Error('the token must be a string of visible characters');
  }
  return token;
}
