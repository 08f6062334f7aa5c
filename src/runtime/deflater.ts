/**
 * Owns the studio's DEFLATE-length worker: one long-lived worker (started on first use, so its
 * JIT stays warm and no move pays a start-up), one request at a time. Cancelling the request in
 * flight terminates the worker — its answer is no longer wanted and the next request should not
 * queue behind it — and the next request starts a fresh one. Where there is no Worker (Node,
 * tests), fflate's worker_threads-based deflate does the same job.
 */
import { deflatedLengthsAsync, type OffThread } from '../model/export';
import type { DeflateReply, DeflateRequest } from './protocol';

let worker: Worker | undefined;
let nextId = 0;
/** Requests sent and not answered, in the order sent (the worker answers them in that order). */
const waiting = new Map<number, { buffers: Uint8Array[]; resolve: (v: number[] | undefined) => void; reject: (e: Error) => void }>();

function deflateWorker(): Worker {
  if (!worker) {
    const w = new Worker(new URL('./deflate.worker.ts', import.meta.url), { type: 'module', name: 'deflate' });
    w.onmessage = (e: MessageEvent<DeflateReply>) => {
      const pending = waiting.get(e.data.id);
      waiting.delete(e.data.id);
      if ('error' in e.data) pending?.reject(new Error(`DEFLATE worker: ${e.data.error}`));
      else pending?.resolve(e.data.lengths);
    };
    w.onerror = (e) => {
      e.preventDefault();
      stop(new Error(`DEFLATE worker failed: ${e.message || 'it could not start'}`));
    };
    worker = w;
  }
  return worker;
}

/** After a worker failure: drops it, and every request still waiting rejects with `error`. */
function stop(error: Error): void {
  worker?.terminate();
  worker = undefined;
  for (const p of waiting.values()) p.reject(error);
  waiting.clear();
}

/** deflatedLength of each buffer, computed on the studio's DEFLATE worker (see the file comment). */
export function deflatedLengthsOffThread(buffers: Uint8Array[]): OffThread<number[]> {
  if (typeof Worker === 'undefined') return deflatedLengthsAsync(buffers);
  const id = ++nextId;
  const promise = new Promise<number[] | undefined>((resolve, reject) => {
    waiting.set(id, { buffers, resolve, reject });
    deflateWorker().postMessage({ id, buffers } satisfies DeflateRequest);
  });
  return {
    promise,
    cancel() {
      const pending = waiting.get(id);
      if (!pending) return;
      const inFlight = waiting.keys().next().value === id;
      waiting.delete(id);
      pending.resolve(undefined);
      if (!inFlight) return;
      // The worker is busy with this very request: stop it rather than wait, and resend the rest.
      const rest = [...waiting];
      worker?.terminate();
      worker = undefined;
      for (const [restId, r] of rest) deflateWorker().postMessage({ id: restId, buffers: r.buffers } satisfies DeflateRequest);
    },
  };
}
