/**
 * The studio's store: what is loaded, what runs, what was measured. Components read it and call
 * its actions; only these actions talk to the worker (through runtime/client). Built from slices
 * (src/state/slices) and a job runner (jobs.ts) by createStudioStore (createStore.ts); this file
 * makes the page's one store on the real worker client.
 */
import { onWorkerCrash, proxy, restartStudio, studio } from '../runtime/client';
import { createStudioStore } from './createStore';
import { saveBlob } from './saveBlob';

export type { ChartPoint, SizeFormat, StudioError, StudioState, SweepState, Theme, TrainingPoint, TrainingRun } from './types';
export { chosenTrainData, needsTrainData, recoveryOf, trainChoices, usesTaylor, type RecoveryMethod, type TrainChoice } from './trainData';
export { currentDataset, preprocessingKey, scoreOf, trainSplitOf } from './selectors';
export { createStudioStore } from './createStore';

const BASE = new URL(import.meta.env.BASE_URL, globalThis.location?.href ?? 'http://localhost/').href;

async function fetchJson(path: string): Promise<unknown> {
  const res = await fetch(new URL(path, BASE));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

/** The page's studio store (a zustand hook; `useStudio.getState()` outside React). */
export const useStudio = createStudioStore({
  studio, restartStudio, onWorkerCrash, proxy, baseUrl: BASE, fetchJson, saveBlob,
  hash: globalThis.location ? { read: () => location.hash, write: (hash) => history.replaceState(null, '', hash) } : undefined,
});
