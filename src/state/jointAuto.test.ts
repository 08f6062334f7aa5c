import { describe, expect, it } from 'vitest';
import type { CompressionPlan } from '../model/plan';
import type { BackendInfo, SensitivityResult, TrainSource } from '../runtime/protocol';
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

/**
 * The measured top-1 of a plan in this fake: the single-layer drops added up, times 2 (they
 * compound) or, calibrated on data ('output'), times `output`; and its bytes.
 */
function measured(plan: CompressionPlan, output = 2) {
  let bytes = table.totalBytes;
  let drop = 0;
  table.layers.forEach((name, i) => {
    const o = plan.layers?.[name];
    if (!o || o.exclude) return;
    const j = cells.findIndex((c) => c.bits === o.bits && c.prune === (o.prune ?? 0));
    bytes += table.bytes[i][j] - table.baseBytes[i];
    drop += table.baseline - table.accuracy[i][j];
  });
  const calibrate = typeof plan.quantize === 'object' ? plan.quantize.calibrate : undefined;
  return { accuracy: table.baseline - (calibrate === 'output' ? output : 2) * drop, bytes };
}

/** A store with LeNet-300-100 loaded and evaluated (the fake catalog has MNIST's training split). */
async function loaded() {
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
  return { fake, store };
}

/** Runs Auto for 0.30 points on `table`, answering every trial compression and its evaluation; the plans tried with their TrainSource. */
async function runAuto(fake: FakeStudio, store: ReturnType<typeof createStudioStore>, output?: number) {
  store.setState({ sensitivity: table });
  const auto = Promise.resolve(store.getState().applyAuto({ drop: 0.003 }));
  const tried: { plan: CompressionPlan; train?: TrainSource }[] = [];
  // Answer every trial compression and its evaluation until the explanation arrives.
  while (!store.getState().autoExplanation && tried.length < 40) {
    await settle();
    if (store.getState().autoExplanation) break; // the plan chosen now runs as any other
    const compress = fake.calls.find((c) => c.method === 'compressStaged' && !c.settled);
    if (!compress) continue;
    const [job, plan, train] = compress.args as [number, CompressionPlan, TrainSource | undefined];
    const m = measured(plan, output);
    compress.answer({ type: 'done', job, summary: summary(m.bytes) });
    await settle();
    const ev = fake.pending('evaluate');
    expect(ev.args[3]).toMatchObject({ limit: 1000 });
    expect(ev.args[5]).toBe('compressed');
    ev.answer(evalResult(job, m.accuracy));
    tried.push({ plan, train });
  }
  await auto;
  return tried;
}

describe('applyAuto on a joint table', () => {
  it('measures combined plans in the worker on the table\'s samples, backs off, then applies the plan', async () => {
    const { fake, store } = await loaded();
    store.setState({ trainSplits: [] }); // no calibration data: the data-free calibrations only
    const tried = await runAuto(fake, store);
    const s = store.getState();
    // ×1 (over), ×0.5 (within), 3 other quantizers on its levels, one push move (the other candidate was measured already).
    expect(tried).toHaveLength(6);
    expect(tried.every((t) => t.train === undefined)).toBe(true);
    expect(s.autoExplanation?.[0]).toMatch(/^Target at most 0.30 points of accuracy lost: measured 215 B/);
    expect(s.autoExplanation?.[0]).toMatch(/calibration on data .* not tried: it needs calibration data/);
    expect(s.plan?.layers).toEqual({ a: { prune: 0.5, bits: 8 }, b: { prune: 0.5, bits: 8 } });
    expect(s.plan?.quantize).toMatchObject({ calibrate: 'mse', granularity: 'channel' });
  });

  it('with the training split: \'output\' plans are compressed with it as calibration data, and the chosen plan calibrates on it', async () => {
    const { fake, store } = await loaded();
    // Calibration on data halves the summed drops (the data-free ones double them): 'output' goes further.
    const tried = await runAuto(fake, store, 0.5);
    const s = store.getState();
    const onData = tried.filter((t) => typeof t.plan.quantize === 'object' && t.plan.quantize.calibrate === 'output');
    expect(onData.length).toBeGreaterThan(0);
    expect(onData.every((t) => t.train?.entry.id === 'mnist-train')).toBe(true);
    // Data-free plans do not fetch the training split.
    expect(tried.filter((t) => !onData.includes(t)).every((t) => t.train === undefined)).toBe(true);
    expect(s.plan?.quantize).toMatchObject({ calibrate: 'output' });
    expect(s.autoExplanation?.[0]).toMatch(/the plan calibrates on MNIST \(training\)/);
    // a (0 %, 4 b) + b (50 %, 8 b): estimated 0.20, measured 0.10 points, 190 B — smaller than the data-free search's 215 B
    // (a at (50 %, 4 b) too would measure 0.50, over).
    expect(s.autoExplanation?.[0]).toMatch(/^Target at most 0.30 points of accuracy lost: measured 190 B \(from 1.1 KB\), −0.10 points/);
    expect(s.plan?.layers).toEqual({ a: { bits: 4 }, b: { prune: 0.5, bits: 8 } });
    // The applied plan's own compression gets the training split too.
    await settle();
    const applied = fake.calls.filter((c) => c.method === 'compressStaged').at(-1);
    expect((applied?.args[2] as TrainSource | undefined)?.entry.id).toBe('mnist-train');
  });
});
