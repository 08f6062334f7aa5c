/**
 * Step progress shown as the busy text, for work that is not a job of the job runner (opening a
 * model, writing a download): "Loading big (your model): Quantizing conv1 (3/20) (45 %)". The
 * worker's progress calls travel on their own message port, so one may arrive after the call it
 * belongs to has answered: after `end()` the listener ignores them (the busy text would stick).
 */
import type { ProgressEvent } from '../runtime/protocol';

/** The busy text for `p` under `prefix`: prefix, the step's message and its percentage. */
export function busyText(prefix: string, p: Pick<ProgressEvent, 'fraction' | 'message'>): string {
  return `${prefix}: ${p.message} (${Math.round(Math.min(1, Math.max(0, p.fraction)) * 100)} %)`;
}

/** A listener that shows each event as busy text via `show` until `end()` is called. */
export function busyProgress(show: (busy: string) => void, prefix: string): { onProgress: (p: ProgressEvent) => void; end: () => void } {
  let live = true;
  return {
    onProgress: (p) => { if (live) show(busyText(prefix, p)); },
    end: () => { live = false; },
  };
}
