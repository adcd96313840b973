// Called from element.rs (wasm-bindgen imports this module; it is linted as JavaScript).
export function defineElectionWidget(tag, connect) {
  if (customElements.get(tag)) return;
  const INPUTS = ['offer', 'holder', 'config'];
  class ElectionWidget extends HTMLElement {
    static get observedAttributes() { return INPUTS; }
    constructor() {
      super();
      this._ewInputs = {};
      this._ew = null;
      this.attachShadow({ mode: 'open' });
    }
    connectedCallback() {
      // A move (removed and added in one task) keeps the running widget.
      if (!this._ew) this._ew = connect(this);
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
    attributeChangedCallback(name, before, after) {
      if (this._ew && before !== after) this._ew.changed();
    }
  }
  for (const name of INPUTS) {
    Object.defineProperty(ElectionWidget.prototype, name, {
      get() { return name in this._ewInputs ? this._ewInputs[name] : this.getAttribute(name); },
      set(value) {
        if (value === null || value === undefined) delete this._ewInputs[name];
        else this._ewInputs[name] = value;
        if (this._ew) this._ew.changed();
      },
    });
  }
  customElements.define(tag, ElectionWidget);
}
