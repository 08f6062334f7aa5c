/**
 * Keeps the URL hash in step with the shareable settings (model, data set, backend, training data, plan) as a
 * store subscriber. Writes are throttled: browsers throttle history.replaceState past ~100 calls
 * in 30 s (Safari) and a slider drag changes the plan many times a second. The first change after
 * a quiet spell is written at once; changes within `intervalMs` of a write are written once, at
 * the end of the interval, with the last state (trailing edge), so the hash always ends up right.
 */
import type { StoreApi } from 'zustand';
import { isUserData } from './selectors';
import type { StudioState } from './types';
import { readUrlSettings, writeUrlSettings, type UrlView } from './urlState';

/** At most one hash write per this many ms: ≤ 75 per 30 s, under the browsers' limits. */
export const URL_WRITE_INTERVAL_MS = 400;

/** The hash for `s`'s shareable settings (and `view`, the view the page shows); the user's own model or data are never named. */
export function hashOf(s: Pick<StudioState, 'modelId' | 'datasetId' | 'backendChoice' | 'plan' | 'trainDataId'>, view?: UrlView): string {
  return writeUrlSettings({
    model: s.modelId === 'user' ? undefined : s.modelId, dataset: isUserData(s.datasetId) ? undefined : s.datasetId, backend: s.backendChoice,
    trainData: isUserData(s.trainDataId) ? undefined : s.trainDataId, plan: s.plan, view,
  });
}

/**
 * Subscribes `store` to write its settings into the hash through `hash` (read: the current hash;
 * write: history.replaceState in the page). Nothing is written until a model has loaded (the link
 * that opened the page stays until it has been honoured). Returns the unsubscribe function.
 */
export function syncUrl(store: StoreApi<StudioState>, hash: { read(): string; write(hash: string): void }, intervalMs = URL_WRITE_INTERVAL_MS): () => void {
  let lastWrite = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const s = store.getState();
    if (s.modelId === undefined) return;
    // The view is the page's, not the store's: the one in the hash stays (ui/presentationMode.ts sets it).
    const next = hashOf(s, readUrlSettings(hash.read()).view);
    lastWrite = Date.now();
    if (hash.read() !== next) hash.write(next);
  };
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.modelId === undefined) return;
    if (s.modelId === prev.modelId && s.datasetId === prev.datasetId && s.backendChoice === prev.backendChoice && s.plan === prev.plan && s.trainDataId === prev.trainDataId) return;
    if (timer !== undefined) return; // the trailing write takes the latest state
    const wait = lastWrite + intervalMs - Date.now();
    if (wait <= 0) flush();
    else timer = setTimeout(flush, wait);
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}
