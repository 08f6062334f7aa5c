/**
 * Owns the studio worker's lifetime (one per page) and hands out its typed Comlink proxy.
 * If the worker dies (e.g. out of memory), the next call starts a fresh one.
 */
import * as Comlink from 'comlink';
import type { StudioApi } from './protocol';

let worker: Worker | undefined;
let api: Comlink.Remote<StudioApi> | undefined;
let onCrash: ((message: string) => void) | undefined;

/** Registers who hears that the worker failed outside any call (a script error or a failed load). */
export function onWorkerCrash(listener: (message: string) => void): void {
  onCrash = listener;
}

export function studio(): Comlink.Remote<StudioApi> {
  if (!api) {
    worker = new Worker(new URL('./studio.worker.ts', import.meta.url), { type: 'module', name: 'studio' });
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      onCrash?.(e.message || 'the worker script failed to load or threw outside a call');
    });
    api = Comlink.wrap<StudioApi>(worker);
  }
  return api;
}

/** Terminates the worker (a hung job cannot block the page); the next call starts a new one. */
export function restartStudio(): void {
  worker?.terminate();
  worker = undefined;
  api = undefined;
}

export const proxy = Comlink.proxy;
