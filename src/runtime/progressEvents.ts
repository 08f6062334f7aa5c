/**
 * The worker's side of step progress: a model-side OnStep (fraction 0–1, message) turned into the
 * page's ProgressEvent for `job` and `phase`, throttled to one event per `minMs` (100 ms: ten a
 * second at most, the last one at fraction 1 always sent) so a model of hundreds of layers does
 * not flood the page. The events are Comlink calls, i.e. postMessage: they leave the worker at
 * once even while it runs a long synchronous loop, and the page (whose thread is free) shows them.
 */
import { throttled, type OnStep } from '../model/progress';
import type { ProgressEvent } from './protocol';

/** Job number of the progress of a model load (loads are not jobs of the job runner). */
export const LOAD_JOB = 0;

/** An OnStep that reports to `onProgress` as `phase` of `job` (see the file comment); undefined without a listener. */
export function stepEvents(onProgress: ((p: ProgressEvent) => void) | undefined, job: number, phase: ProgressEvent['phase'], minMs = 100, now?: () => number): OnStep | undefined {
  if (!onProgress) return undefined;
  return throttled((fraction, message) => {
    // A listener that fails (a page gone, a closed port) must not fail the step it watches.
    try {
      const sent = onProgress({ type: 'progress', job, phase, fraction, message }) as unknown;
      if (sent instanceof Promise) sent.catch(() => {}); // a Comlink proxy's call answers with a promise
    } catch { /* ignored */ }
  }, minMs, now);
}
