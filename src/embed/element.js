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
