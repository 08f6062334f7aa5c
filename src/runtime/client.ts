/**
 * Owns the studio worker's lifetime (one per page) and hands out its typed Comlink proxy.
 * If the worker dies (e.g. out of memory), the next call starts a fresh one. Calls still waiting
 * on a worker that is terminated reject with WorkerRestartedError (Comlink alone would leave them
 * pending forever, and whatever awaited them — a sweep, a `finally` — would never go on).
 */
import * as Comlink from 'comlink';
import type { StudioApi } from './protocol';

/** The rejection of a call whose worker was terminated before it answered. */
export class WorkerRestartedError extends Error {
  constructor() {
    super('the TF.js worker was restarted before this job finished');
    this.name = 'WorkerRestartedError';
  }
}

let worker: Worker | undefined;
let api: Comlink.Remote<StudioApi> | undefined;
let onCrash: ((message: string) => void) | undefined;
/** Rejects every call made to the current worker that has not answered yet. */
let abandon: ((e: Error) => void) | undefined;
let abandoned: Promise<never> | undefined;

/** Registers who hears that the worker failed outside any call (a script error or a failed load). */
export function onWorkerCrash(listener: (message: string) => void): void {
  onCrash = listener;
}

/** Wraps each method of the remote so its call also settles when the worker is terminated. */
function settling(remote: Comlink.Remote<StudioApi>, gone: Promise<never>): Comlink.Remote<StudioApi> {
  return new Proxy(remote, {
    get(target, prop) {
      const member = Reflect.get(target, prop) as unknown;
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        const call = Promise.race([(member as (...a: unknown[]) => Promise<unknown>)(...args), gone]);
        // Silences only this detached copy: a caller that awaits `call` still sees its rejection, and a
        // fire-and-forget call (cancel, clearCompression) cut short by a restart is not an unhandled error.
        call.catch(() => {});
        return call;
      };
    },
  });
}

export function studio(): Comlink.Remote<StudioApi> {
  if (!api) {
    worker = new Worker(new URL('./studio.worker.ts', import.meta.url), { type: 'module', name: 'studio' });
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      onCrash?.(e.message || 'the worker script failed to load or threw outside a call');
    });
    abandoned = new Promise<never>((_, reject) => { abandon = reject; });
    abandoned.catch(() => {}); // nobody may be waiting: not an unhandled rejection
    api = settling(Comlink.wrap<StudioApi>(worker), abandoned);
  }
  return api;
}

/** Terminates the worker (a hung job cannot block the page); its pending calls reject; the next call starts a new one. */
export function restartStudio(): void {
  worker?.terminate();
  abandon?.(new WorkerRestartedError());
  worker = undefined;
  api = undefined;
  abandon = undefined;
}

export const proxy = Comlink.proxy;
