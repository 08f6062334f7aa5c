/**
 * Sweep & sensitivity: a grid of plans measured point by point, the per-layer sensitivity table,
 * and auto's per-layer choice from it.
 */
import type { StateCreator } from 'zustand';
import { describePlan } from '../../model/describePlan';
import type { CompressionPlan } from '../../model/plan';
import { autoPlan } from '../auto';
import { sweepGrid } from '../pareto';
import { currentDataset } from '../selectors';
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
    const { plan, explanation } = autoPlan(s, target);
    set({ autoExplanation: explanation });
    get().setPlan(Object.keys(plan.layers ?? {}).length ? plan : undefined);
  },
});
