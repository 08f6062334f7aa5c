import { describe, expect, it } from 'vitest';
import type { CompressionPlan } from '../model/plan';
import type { BackendInfo, SensitivityResult } from '../runtime/protocol';
import { createStudioStore } from './createStore';
import { evalResult, FakeStudio, loadedModel, settle, summary } from './fakeStudio';

const WASM: BackendInfo = { requested: 'wasm', active: 'wasm', detail: 'WASM', unavailable: {} };
const cells = [{ prune: 0, bits: 8 }, { prune: 0.5, bits: 8 }, { prune: 0, bits: 4 }, { prune: 0.5, bits: 4 }];
// The joint table of autoRefine.test.ts: a 1000 B and b 100 B, 50 B of other tensors, baseline 0.9 on 1000 images.
const table: SensitivityResult = {
  technique: 'joint', metric: 'accuracy', levels: [0, 1, 2, 3], layers: ['a', 'b'], count: 1000, baseline: 0.9,
  accuracy: [[0.9, 0.899, 0.898, 0.89], [0.9, 0.9, 0.895, NaN]],
  bytes: [[250, 150, 125, 80], [25, 15, 13, NaN]], baseBytes: [1000, 100], totalBytes: 1150,
  joint: { cells, grid: { prune: [0, 0.5], bits: [8, 4] }, calibrations: ['minmax', 'mse'], skipped: 1 },
};

/** The measured top-1 of a plan in this fake: twice the single-layer drops added up (they compound), and its bytes. */
function measured(plan: CompressionPlan) {
  let bytes = table.totalBytes;
  let drop = 0;
  table.layers.forEach((name, i) => {
    const o = plan.layers?.[name];
    if (!o || o.exclude) return;
    const j = cells.findIndex((c) => c.bits === o.bits && c.prune === (o.prune ?? 0));
    bytes += table.bytes[i][j] - table.baseBytes[i];
    drop += table.baseline - table.accuracy[i][j];
  });
  return { accuracy: table.baseline - 2 * drop, bytes };
}

describe('applyAuto on a joint table', () => {
  it('measures combined plans in the worker on the table\'s samples, backs off, then applies the plan', async () => {
    const fake = new FakeStudio();
    fake.hash = '#backend=wasm';
    const store = createStudioStore(fake.deps());
    const starting = store.getState().start();
    await settle();
    fake.pending('init').answer(WASM);
    await settle();
    fake.pending('loadModel').answer(loadedModel('LeNet-300-100 (MNIST)'));
    await settle();
    const baseline = fake.pending('evaluate');
    baseline.answer(evalResult(baseline.args[0] as number, 0.9));
    await starting;

    store.setState({ sensitivity: table });
    const auto = Promise.resolve(store.getState().applyAuto({ drop: 0.003 }));
    let trials = 0;
    // Answer every trial compression and its evaluation until the explanation arrives.
    while (!store.getState().autoExplanation && trials < 40) {
      await settle();
      if (store.getState().autoExplanation) break; // the plan chosen now runs as any other
      const compress = fake.calls.find((c) => c.method === 'compressStaged' && !c.settled);
      if (!compress) continue;
      const [job, plan] = compress.args as [number, CompressionPlan];
      const m = measured(plan);
      compress.answer({ type: 'done', job, summary: summary(m.bytes) });
      await settle();
      const ev = fake.pending('evaluate');
      expect(ev.args[3]).toMatchObject({ limit: 1000 });
      expect(ev.args[5]).toBe('compressed');
      ev.answer(evalResult(job, m.accuracy));
      trials++;
    }
    await auto;
    const s = store.getState();
    // ×1 (over), ×0.5 (within), 3 other quantizers on its levels, one push move (the other candidate was measured already).
    expect(trials).toBe(6);
    expect(s.autoExplanation?.[0]).toMatch(/^Target at most 0.30 points of accuracy lost: measured 215 B/);
    expect(s.plan?.layers).toEqual({ a: { prune: 0.5, bits: 8 }, b: { prune: 0.5, bits: 8 } });
    expect(s.plan?.quantize).toMatchObject({ calibrate: 'mse', granularity: 'channel' });
  });
});
