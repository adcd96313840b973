// A measure between two times read from performance.now(): performance.measure's
// options form, which web-sys binds only behind its unstable APIs. A countdown tick is
// timed this way (no mark is made: making one cost more here than the tick it timed).
export function ewMeasureBetween(name, start, end) {
  performance.measure(name, { start, end });
}
