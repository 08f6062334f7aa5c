/**
 * The store factory: one zustand store made of the four slices (the zustand slices pattern) and
 * its own job runner, talking to the worker only through `deps`. `useStudio` (store.ts) is one
 * made with the real worker client; tests make fresh ones with a fake worker API.
 */
import { create } from 'zustand';
import { JobRunner } from './jobs';
import { createModelSlice } from './slices/model';
import { createPlanSlice } from './slices/plan';
import { createPreferencesSlice } from './slices/preferences';
import { createSweepSlice } from './slices/sweep';
import { createStagesSlice } from './slices/stages';
import type { SliceContext, StudioDeps, StudioState } from './types';
import { syncUrl } from './urlSync';

/** A new studio store on `deps` (the worker API and the page); it registers for the worker's crashes and, given `deps.hash`, keeps the URL hash in step. */
export function createStudioStore(deps: StudioDeps) {
  const store = create<StudioState>()((set, get, api) => {
    const runner = new JobRunner({ cancelInWorker: (job) => deps.studio().cancel(job), showProgress: (progress) => set({ progress }) });
    const ctx: SliceContext = { deps, runner };
    return {
      ...createPreferencesSlice(ctx)(set, get, api),
      ...createModelSlice(ctx)(set, get, api),
      ...createPlanSlice(ctx)(set, get, api),
      ...createSweepSlice(ctx)(set, get, api),
      ...createStagesSlice(ctx)(set, get, api),
    };
  });
  deps.onWorkerCrash((message) => {
    store.getState().reportError('The TF.js worker failed and was restarted', message);
    void store.getState().recoverWorker();
  });
  if (deps.hash) syncUrl(store, deps.hash);
  return store;
}
