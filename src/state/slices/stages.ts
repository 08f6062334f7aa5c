/**
 * The stage view's slice: the compression held, measured stage by stage in the worker (original →
 * structural → pruned → quantized / clustered → coded: bytes of each stage's compact file, top-1
 * after each), on the same samples the sensitivity table uses. A result belongs to one model, data
 * set and plan; `currentStages` hides it once any of them changes.
 */
import type { StateCreator } from 'zustand';
import type { StagesResult } from '../../runtime/protocol';
import { currentDataset } from '../selectors';
import type { SliceContext, StudioState } from '../types';

/** Samples each stage is evaluated on at most (as the sensitivity table: the first 2 000 of the split). */
export const STAGE_SAMPLES = 2000;

/** A stage view as measured, with the model it was measured on (its name). */
export type MeasuredStages = StagesResult & { modelName: string };

/** The stage view's state and actions. */
export interface StagesSlice {
  /** the last stage view measured (check it with currentStages before showing it) */
  stages?: MeasuredStages;
  /** true once the user asked for the stages: each new compression is then measured stage by stage too */
  stagesOn: boolean;
  /**
   * Measures the compression held stage by stage (one job: it supersedes a running one, shows
   * progress, and a cancel drops it). Does nothing without a measured compression of the current plan.
   */
  runStages(): Promise<void>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The stage view of the compression now shown, while model, data set and plan are the ones it was measured for; else undefined. */
export function currentStages(s: StudioState): MeasuredStages | undefined {
  const r = s.stages;
  if (!r || !s.compressed || r.modelName !== s.model?.name || r.dataset !== s.datasetId || !same(r.plan, s.compressed.plan) || !same(r.plan, s.plan)) return undefined;
  return r;
}

/** Whether the compression held is the current plan's and measured (and nothing runs), so its stages can be measured. */
export function stagesReady(s: StudioState): boolean {
  return Boolean(s.model && s.plan && s.compressed && same(s.compressed.plan, s.plan) && s.compressedEval && !s.progress && !s.sweep?.running && currentDataset(s));
}

/** The stage view slice of a studio store made with `ctx` (zustand slices pattern). */
export const createStagesSlice = ({ deps, runner }: SliceContext): StateCreator<StudioState, [], [], StagesSlice> => (set, get) => ({
  stagesOn: false,

  async runStages() {
    const s = get();
    const entry = currentDataset(s);
    if (!stagesReady(s) || !entry || !s.compressed || !s.model) return;
    const plan = s.compressed.plan;
    const modelName = s.model.name;
    set({ stagesOn: true });
    const job = runner.start('Measuring each stage');
    try {
      const result = await deps.studio().stages(job, plan, entry, deps.baseUrl, { limit: Math.min(entry.count, STAGE_SAMPLES) }, deps.proxy(runner.progress(job)));
      if (!result || !runner.isCurrent(job)) return;
      set({ stages: { ...result, modelName } });
    } catch (e) {
      if (runner.isCurrent(job)) get().reportError('The stage view could not be measured', e);
    } finally {
      runner.end(job);
    }
  },
});
