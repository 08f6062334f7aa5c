/**
 * The JS heap of the calling thread, where the browser reports it. Apart from memory.ts so that the
 * page can read its own heap without importing TF.js (the page runs no TF.js; e2e/open.spec checks).
 */

/** performance.memory (Chromium's non-standard heap figures: used and limit, bytes), or undefined where it is absent. */
export function jsHeap(): { used: number; limit: number } | undefined {
  const m = (globalThis.performance as (Performance & { memory?: { usedJSHeapSize: number; jsHeapSizeLimit: number } }) | undefined)?.memory;
  return m && Number.isFinite(m.usedJSHeapSize) ? { used: m.usedJSHeapSize, limit: m.jsHeapSizeLimit } : undefined;
}
