/**
 * What the studio worker holds in memory, for the page to show ("Memory: weights 76 MiB as
 * float32 · arrays 310 MiB · TF.js tensors 152 MiB · worker heap 60 MiB"). Every figure is counted
 * or read, none estimated:
 *  - weightsFloat32: the loaded model's parameters × 4 bytes (what its weights take decoded);
 *  - arrays: the distinct ArrayBuffers the worker keeps for the model and its compression (the
 *    opened files, the decoded weights, the compressed weights and the export files), each
 *    buffer counted once however many views share it;
 *  - tensors: tf.memory() — bytes and count of the TF.js tensors alive (both models' variables);
 *  - heap: performance.memory where the browser has it (Chromium), the worker's own JS heap;
 *    undefined elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { jsHeap } from './jsHeap';

export { jsHeap };

/** The worker's memory as counted by {@link memoryReport}; bytes throughout. */
export interface MemoryReport {
  /** parameters of the loaded model × 4 (float32), 0 without a model */
  weightsFloat32: number;
  /** distinct ArrayBuffers held for the model and its compression, and their bytes */
  arrays: { bytes: number; buffers: number };
  /** TF.js tensors alive (tf.memory()): bytes and count; `backend` is the one tf.memory() measured */
  tensors: { bytes: number; count: number; backend: string };
  /** the worker's JS heap (performance.memory: used and limit), where the browser reports it */
  heap?: { used: number; limit: number };
}

/** Anything that holds bytes: a buffer, a typed array / view, or a plain object / array / Map of them (walked). */
type Holder = unknown;

/**
 * Bytes of the distinct ArrayBuffers reachable from `roots` through plain objects, arrays, Maps
 * and typed arrays (each buffer once, its whole byteLength: a view keeps its whole buffer alive).
 * Functions and class instances other than Map are not entered (a TF.js model's tensors are
 * counted by tf.memory() instead). Cycles are safe.
 */
export function heldArrayBytes(...roots: Holder[]): { bytes: number; buffers: number } {
  const buffers = new Set<ArrayBufferLike>();
  const seen = new Set<object>();
  const stack: unknown[] = [...roots];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)) buffers.add(v);
    else if (ArrayBuffer.isView(v)) buffers.add(v.buffer);
    else if (Array.isArray(v)) stack.push(...v);
    else if (v instanceof Map) stack.push(...v.keys(), ...v.values());
    else if (Object.getPrototypeOf(v) === Object.prototype) stack.push(...Object.values(v));
  }
  let bytes = 0;
  for (const b of buffers) bytes += b.byteLength;
  return { bytes, buffers: buffers.size };
}

/** The report for a model of `params` parameters whose worker-side data is reachable from `held`. */
export function memoryReport(params: number, ...held: Holder[]): MemoryReport {
  const m = tf.memory();
  const heap = jsHeap();
  return {
    weightsFloat32: params * 4,
    arrays: heldArrayBytes(...held),
    tensors: { bytes: m.numBytes, count: m.numTensors, backend: tf.getBackend() ?? 'none' },
    ...(heap ? { heap } : {}),
  };
}
