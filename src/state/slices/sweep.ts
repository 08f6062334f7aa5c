/**
 * Sweep & sensitivity: a grid of plans measured point by point, the per-layer sensitivity table,
 * and auto's per-layer choice from it.
 */
import type { StateCreator } from 'zustand';
import { describePlan } from '../../model/describePlan';
import type { CompressionPlan } from '../../model/plan';
import type { SensitivityResult } from '../../runtime/protocol';
import { autoPlan } from '../auto';
import { refineAuto } from '../autoRefine';
import { importResultsFile } from '../importResults';
import { sweepGrid } from '../pareto';
import { currentDataset } from '../selectors';
import { chosenTrainData, needsTrainData } from '../trainData';
import type { SliceContext, StudioState, SweepSlice, SweepState } from '../types';

/** The sweep & sensitivity slice of a studio store made with `ctx` (zustand slices pattern). */
export const createSweepSlice = ({ deps, runner }: SliceContext): StateCreator<StudioState, [], [], SweepSlice> => (set, get) => ({
  async runSweep(prune, bits) {
    if (!get().model || get().sweep?.running) return;
    const cells = sweepGrid(prune, bits);
    const livePlan = get().plan;
    set({ sweep: { done: 0, total: cells.length, startedAt: Date.now(), running: true, message: '' } });
    try {
      for (const [i, cell] of cells.entries()) {
        if (!get().sweep?.running) break;
        const plan: CompressionPlan = { version: 1 };
        if (cell.prune > 0) plan.prune = { ratio: cell.prune, scope: 'global' };
        if (cell.bits === 'f16') plan.quantize = 'float16';
        else if (cell.bits < 32) plan.quantize = { bits: cell.bits };
        set({ sweep: { ...(get().sweep as SweepState), message: describePlan(plan) } });
        await get().measurePlan(plan, 'sweep');
        const now = get().sweep as SweepState;
        set({ sweep: { ...now, done: i + 1, secondsLeft: Math.round(((Date.now() - now.startedAt) / 1000 / (i + 1)) * (cells.length - i - 1)) } });
      }
    } catch (e) {
      get().reportError('The sweep stopped', e);
    } finally {
      set({ sweep: { ...(get().sweep as SweepState), running: false }, plan: livePlan });
      // The live plan's compression is what exports and the numbers show again (none: the original).
      await get().runPlan();
    }
  },

  async importResults(file) {
    try {
      const { points, summary } = await importResultsFile(file, get());
      set({ points: [...get().points, ...points] });
      return summary;
    } catch (e) {
      get().reportError(`Could not import ${file.name}`, e);
      return undefined;
    }
  },

  cancelSweep() {
    const sweep = get().sweep;
    if (sweep?.running) set({ sweep: { ...sweep, running: false, message: 'cancelled' } });
  },

  async runSensitivity(request) {
    const { model } = get();
    const entry = currentDataset(get());
    if (!model || !entry || get().sweep?.running) return;
    const job = runner.start('sensitivity');
    try {
      const limit = request.limit ?? Math.min(entry.count, 2000);
      const result = await deps.studio().sensitivity(job, entry, deps.baseUrl, { ...request, limit }, deps.proxy(runner.progress(job)));
      if (!result || !runner.isCurrent(job)) return;
      set({ sensitivity: result, autoExplanation: undefined });
    } catch (e) {
      if (runner.isCurrent(job)) get().reportError('Sensitivity analysis failed', e);
    } finally {
      runner.end(job);
    }
  },

  applyAuto(target) {
    const s = get().sensitivity;
    if (!s) return;
    // A joint table with an accuracy target: the combined plan is measured and backed off (autoRefine.ts).
    if (s.joint && 'drop' in target) return applyJointAuto(s, target, { deps, runner }, get, set);
    const { plan, explanation } = autoPlan(s, target);
    set({ autoExplanation: explanation });
    get().setPlan(Object.keys(plan.layers ?? {}).length ? plan : undefined);
  },
});

/**
 * Joint Auto with measured combined plans: each is compressed and evaluated in the worker on the
 * sensitivity's own samples (the first `count` of the current split), under one job with progress;
 * a newer job or a cancel ends it. With calibration data (the chosen training data, as the plan
 * slice passes it; a layers model) 'output' plans are among them, compressed through the worker's
 * calibrated path with that TrainSource. The chosen plan then runs like any other (chart point, exports).
 */
async function applyJointAuto(s: SensitivityResult, target: { drop: number }, { deps, runner }: Pick<SliceContext, 'deps' | 'runner'>, get: () => StudioState, set: (p: Partial<StudioState>) => void) {
  const entry = currentDataset(get());
  if (!get().model || !entry) return;
  const job = runner.start('Auto: measuring combined plans');
  const show = runner.progress(job, 0);
  const studio = deps.studio();
  const quiet = deps.proxy(() => {});
  const data = get().model?.format === 'graph-model' ? undefined : chosenTrainData(get(), undefined);
  const train = data ? { entry: data.entry, baseUrl: deps.baseUrl } : undefined;
  let applied = false;
  try {
    const measure = async (plan: CompressionPlan) => {
      const done = await studio.compressStaged(job, plan, needsTrainData(plan) ? train : undefined, quiet);
      if (done.type !== 'done' || !runner.isCurrent(job)) return undefined;
      const ev = await studio.evaluate(job, entry, deps.baseUrl, { limit: s.count, latencyRuns: 1, warmupRuns: 0, throughputBatch: 1, sampleCount: 0 }, quiet, 'compressed');
      if (ev.type !== 'done' || !runner.isCurrent(job)) return undefined;
      return { score: s.metric === 'agreement' ? (ev.fidelity?.agreement ?? NaN) : ev.accuracy, bytes: done.summary.sizes.compact.raw };
    };
    const choice = await refineAuto(s, target, measure, {
      calibrationData: data?.name,
      onStep: (done, total, message) => show({ type: 'progress', job, phase: 'accuracy', fraction: done / total, message: `Auto: ${message}` }),
    });
    if (!choice || !runner.isCurrent(job)) return;
    applied = true;
    set({ autoExplanation: choice.explanation });
    runner.end(job);
    get().setPlan(Object.keys(choice.plan.layers ?? {}).length ? choice.plan : undefined);
  } catch (e) {
    if (runner.isCurrent(job)) get().reportError('Auto stopped', e);
  } finally {
    if (!applied) {
      const mine = runner.isCurrent(job);
      runner.end(job);
      // The worker holds a trial compression now: the live plan's comes back unless a newer job runs.
      if (mine) void get().runPlan();
    }
  }
}
