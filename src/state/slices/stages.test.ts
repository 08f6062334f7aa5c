/**
 * The stages slice on a fake worker: runStages asks the worker for the compression held on the
 * sensitivity's samples (at most 2 000), shows it only while model, data and plan are the same,
 * and does nothing without a measured compression.
 */
import { describe, expect, it } from 'vitest';
import type { BackendInfo, StagesResult } from '../../runtime/protocol';
import { createStudioStore } from '../createStore';
import { evalResult, FakeStudio, loadedModel, settle, summary } from '../fakeStudio';
import { currentStages, STAGE_SAMPLES } from './stages';

const WASM: BackendInfo = { requested: 'wasm', active: 'wasm', detail: 'WASM', unavailable: {} };
const PLAN = { version: 1 as const, prune: { ratio: 0.5 } };

/** A started store (demo loaded, baseline measured) with PLAN compressed and measured. */
async function compressed() {
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
  baseline.answer(evalResult(baseline.args[0] as number, 0.976));
  await starting;
  await store.getState().runStages(); // nothing compressed: nothing asked
  expect(fake.made('stages')).toHaveLength(0);
  store.getState().setPlan(PLAN);
  await settle();
  const compress = fake.pending('compressStaged');
  const job = compress.args[0] as number;
  compress.answer({ type: 'done', job, summary: { ...summary(1000), plan: PLAN } });
  await settle();
  fake.pending('compressedSizes').answer({ compact: { raw: 1000, gzip: 900 }, tfjs: { raw: 4000, gzip: 2000, zip: 2000 } });
  fake.pending('evaluate').answer(evalResult(job, 0.97));
  await settle();
  return { fake, store };
}

const result = (plan: StagesResult['plan']): StagesResult => ({
  plan, metric: 'accuracy', count: 2000, dataset: 'mnist-val',
  stages: [{ id: 'original', name: 'original', bytes: 4000, ratio: 1, saved: 0, what: '', notes: [], model: 'original', accuracy: 0.976 },
    { id: 'coded', name: 'coded', bytes: 1000, ratio: 4, saved: 3000, what: '', notes: [], model: 'final', accuracy: 0.97 }],
});

describe('stages slice', () => {
  it('measures the compression held on the first 2 000 samples, and hides the result once the plan changes', async () => {
    const { fake, store } = await compressed();
    const running = store.getState().runStages();
    await settle();
    const call = fake.pending('stages');
    expect(call.args[1]).toEqual(PLAN);
    expect(call.args[4]).toEqual({ limit: Math.min(2000, STAGE_SAMPLES) });
    expect(store.getState().progress?.message).toBe('Measuring each stage');
    call.answer(result(PLAN));
    await running;
    expect(store.getState().stagesOn).toBe(true);
    expect(currentStages(store.getState())?.stages.map((s) => s.bytes)).toEqual([4000, 1000]);
    expect(store.getState().progress).toBeUndefined();
    store.getState().setPlan({ version: 1, prune: { ratio: 0.8 } });
    await settle();
    expect(currentStages(store.getState())).toBeUndefined();
  });

  it('drops a result that a cancel superseded', async () => {
    const { fake, store } = await compressed();
    const running = store.getState().runStages();
    await settle();
    store.getState().cancel();
    fake.pending('stages').answer(result(PLAN));
    await running;
    expect(store.getState().stages).toBeUndefined();
  });
});
