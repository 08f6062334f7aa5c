import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendInfo, ModelSource } from '../runtime/protocol';
import { WorkerRestartedError } from '../runtime/client';
import { createStudioStore } from './createStore';
import { evalResult, FakeStudio, loadedModel, progressOf, settle, summary } from './fakeStudio';

const WASM: BackendInfo = { requested: 'wasm', active: 'wasm', detail: 'WASM · SIMD · 1 thread', unavailable: {} };
const PLAN = { version: 1 as const, prune: { ratio: 0.5 } };

/** A store on a fake worker whose start() has its backend: the demo's load is pending. */
async function booted(fake = new FakeStudio()) {
  const store = createStudioStore(fake.deps());
  const starting = store.getState().start();
  await settle();
  fake.pending('init').answer(WASM);
  await settle();
  return { fake, store, starting };
}

/** A store on a fake worker, started: the demo loaded and its baseline measured. */
async function started(fake = new FakeStudio()) {
  fake.hash = '#backend=wasm';
  const { store, starting } = await booted(fake);
  fake.pending('loadModel').answer(loadedModel('LeNet-300-100 (MNIST)'));
  await settle();
  const baseline = fake.pending('evaluate');
  baseline.answer(evalResult(baseline.args[0] as number, 0.976));
  await starting;
  return { fake, store };
}

/** Answers the pending compression of the plan and its sizes and evaluation; returns its job. */
async function answerPlan(fake: FakeStudio, accuracy: number, compact = 1000) {
  const compress = fake.pending('compressStaged');
  const job = compress.args[0] as number;
  compress.answer({ type: 'done', job, summary: summary(compact) });
  await settle();
  fake.pending('compressedSizes').answer({ compact: { raw: compact, gzip: compact }, tfjs: { raw: compact * 4, gzip: compact * 2, zip: compact * 2 } });
  fake.pending('evaluate').answer(evalResult(job, accuracy));
  await settle();
  return job;
}

afterEach(() => { vi.useRealTimers(); });

describe('studio store on a fake worker', () => {
  it('starts: catalogs, backend, the demo model and its baseline point; the URL then names the model', async () => {
    const { fake, store } = await started();
    const s = store.getState();
    expect(s.phase).toBe('ready');
    expect(s.model?.name).toBe('LeNet-300-100 (MNIST)');
    expect(s.datasetId).toBe('mnist-val');
    expect(s.points).toMatchObject([{ id: 1, kind: 'baseline', accuracy: 0.976, dataset: 'mnist-val' }]);
    expect(s.progress).toBeUndefined();
    expect(fake.pending.bind(fake, 'evaluate')).toThrow(); // nothing left waiting
    expect(fake.hash).toContain('model=lenet-300-100');
    expect(fake.hash).toContain('backend=wasm');
  });

  it('a Keras file is a model, even dropped with images in its folder: named after the file, shown as loading, its source kept for a restart', async () => {
    const { fake, store } = await started();
    const file = (name: string, bytes: number) => Object.assign(new File([new Uint8Array(bytes)], name.split('/').pop() as string), { webkitRelativePath: name });
    const opening = store.getState().loadFiles([file('digits/model.keras', 30), file('digits/7.png', 10)]);
    await settle();
    expect(fake.made('importData')).toHaveLength(0);
    const load = fake.pending('loadModel');
    const source = load.args[0] as ModelSource;
    expect(source).toMatchObject({ kind: 'files', name: 'model.keras (your model)' });
    expect(source.kind === 'files' && source.files.map((f) => f.name)).toEqual(['digits/model.keras', 'digits/7.png']);
    expect(store.getState().busy).toBe('Loading model.keras (your model)…');
    load.answer({ ...loadedModel('model.keras (your model)'), converted: { from: 'keras', file: 'model.keras', kerasVersion: '3.14.0', format: 'keras3-zip' } });
    await settle();
    const baseline = fake.pending('evaluate');
    baseline.answer(evalResult(baseline.args[0] as number, 0.99));
    await opening;
    expect(store.getState()).toMatchObject({ modelId: 'user', model: { name: 'model.keras (your model)', converted: { kerasVersion: '3.14.0' } }, source, error: undefined });
  });

  it('a model opened while the worker starts is queued, shown as loading, and loaded instead of the demo', async () => {
    const fake = new FakeStudio();
    const store = createStudioStore(fake.deps());
    const starting = store.getState().start();
    await settle();
    expect(store.getState().phase).toBe('starting');
    const file = (name: string, bytes: number) => new File([new Uint8Array(bytes)], name);
    await store.getState().loadFiles([file('model.json', 10), file('weights.bin', 40)]);
    // Nothing reaches the worker before it has a backend …
    expect(fake.made('loadModel')).toHaveLength(0);
    expect(store.getState().busy).toMatch(/model\.json/);
    fake.pending('init').answer(WASM);
    await settle();
    // … then the user's files load, not the demo.
    const load = fake.pending('loadModel');
    const source = load.args[0] as ModelSource;
    expect(source.kind).toBe('files');
    expect(source.kind === 'files' && source.files.map((f) => f.name)).toEqual(['model.json', 'weights.bin']);
    expect(store.getState().busy).toBe('Loading your model…');
    load.answer(loadedModel('your model'));
    await settle();
    const baseline = fake.pending('evaluate');
    baseline.answer(evalResult(baseline.args[0] as number, 0.99));
    await starting;
    expect(fake.made('loadModel')).toHaveLength(1);
    expect(store.getState()).toMatchObject({ modelId: 'user', model: { name: 'your model' }, datasetId: 'mnist-val', error: undefined, busy: undefined });
    expect(store.getState().points.map((p) => p.modelName)).toEqual(['your model']);
  });

  it('files dropped while the demo is still loading load after it, and only they are measured', async () => {
    const { fake, store, starting } = await booted();
    const demo = fake.pending('loadModel');
    const opening = store.getState().loadFiles([new File([new Uint8Array(10)], 'model.json')]);
    await settle();
    expect(fake.made('loadModel')).toHaveLength(1); // one load at a time
    demo.answer(loadedModel('LeNet-300-100 (MNIST)'));
    await settle();
    expect(fake.made('evaluate')).toHaveLength(0); // the demo is not measured: a newer model is wanted
    fake.pending('loadModel').answer(loadedModel('your model'));
    await settle();
    const baseline = fake.pending('evaluate');
    baseline.answer(evalResult(baseline.args[0] as number, 0.99));
    await Promise.all([starting, opening]);
    expect(store.getState()).toMatchObject({ modelId: 'user', model: { name: 'your model' } });
    expect(store.getState().points.map((p) => p.modelName)).toEqual(['your model']);
  });

  it('a plan set during the baseline waits for it, then compresses; the point and the sizes arrive', async () => {
    const { fake, store, starting } = await booted();
    fake.pending('loadModel').answer(loadedModel('LeNet-300-100 (MNIST)'));
    await settle();
    store.getState().setPlan(PLAN);
    await settle();
    expect(fake.made('compressStaged')).toHaveLength(0); // the baseline is not superseded
    const baseline = fake.pending('evaluate');
    baseline.answer(evalResult(baseline.args[0] as number, 0.976));
    await settle();
    expect(fake.made('compressStaged')).toHaveLength(1);
    await answerPlan(fake, 0.97, 1234);
    await starting;
    const s = store.getState();
    expect(s.points.map((p) => p.kind)).toEqual(['baseline', 'compressed']);
    expect(s.points[1]).toMatchObject({ accuracy: 0.97, compactBytes: 1234, gzipBytes: 2468, plan: PLAN });
    expect(s.compressed?.sizes.tfjs.gzip).toBe(2468);
    expect(s.progress).toBeUndefined();
  });

  it('debounces setPlan with a leading edge; a newer move supersedes the older job, whose late result is dropped', async () => {
    const { fake, store } = await started();
    store.getState().setPlan(PLAN);
    await settle();
    expect(fake.made('compressStaged')).toHaveLength(1); // after a pause: at once
    const second = { version: 1 as const, prune: { ratio: 0.8 } };
    store.getState().setPlan(second);
    await settle();
    expect(fake.made('compressStaged')).toHaveLength(1); // in a burst: waits
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.made('compressStaged')).toHaveLength(2);
    const [old, fresh] = fake.made('compressStaged');
    expect(fake.made('cancel').map((c) => c.args[0])).toContain(old.args[0]);
    old.answer({ type: 'done', job: old.args[0], summary: summary(999) });
    await settle();
    expect(store.getState().compressed).toBeUndefined(); // the stale compression is not shown
    expect(fresh.args[1]).toEqual(second);
    await answerPlan(fake, 0.95, 800);
    expect(store.getState().points.map((p) => p.plan)).toEqual([undefined, second]);
  });

  it('clearing the progress bar does not drop the running job\'s result', async () => {
    const { fake, store } = await started();
    store.getState().setPlan(PLAN);
    await settle();
    store.setState({ progress: undefined });
    await answerPlan(fake, 0.96);
    expect(store.getState().points).toHaveLength(2);
  });

  it('cancel clears the bar, tells the worker, and the cancelled job adds nothing', async () => {
    const { fake, store } = await started();
    const selecting = store.getState().selectDataset('mnist-val'); // measures the baseline again
    await settle();
    const pending = fake.pending('evaluate');
    const job = pending.args[0] as number;
    (pending.args[4] as (p: unknown) => void)(progressOf(job, 'accuracy', 0.4));
    expect(store.getState().progress?.fraction).toBe(0.4);
    store.getState().cancel();
    expect(store.getState().progress).toBeUndefined();
    expect(fake.made('cancel').at(-1)?.args[0]).toBe(job);
    pending.answer(evalResult(job, 0.5));
    await selecting;
    expect(store.getState().points).toHaveLength(1);
  });

  it('a cancel the worker does not take within 3 s replaces the worker and reloads the model', async () => {
    const { fake, store } = await started();
    fake.immediate.delete('cancel'); // a stuck worker
    vi.useFakeTimers();
    store.getState().setPlan(PLAN);
    await vi.advanceTimersByTimeAsync(0);
    store.getState().cancel();
    expect(store.getState().progress).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2900);
    expect(fake.restarts).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(fake.restarts).toBe(1);
    expect(store.getState().busy).toBe('Restarting the TF.js worker…');
    fake.pending('init').answer(WASM);
    await vi.advanceTimersByTimeAsync(0);
    expect((fake.pending('loadModel').args[0] as ModelSource).name).toBe('LeNet-300-100 (MNIST)');
  });

  it('a worker that crashes is replaced and given the model again, then measured again', async () => {
    const { fake, store } = await started();
    store.getState().setPlan(PLAN);
    await settle();
    const running = fake.pending('compressStaged');
    fake.crash?.('out of memory');
    running.fail(new WorkerRestartedError());
    await settle();
    const later = { version: 1 as const, quantize: { bits: 8 } };
    store.getState().setPlan(later); // waits for the new worker to have the model and its baseline
    await settle();
    expect(fake.made('compressStaged')).toHaveLength(1);
    expect(fake.restarts).toBe(1);
    expect(store.getState().error).toMatchObject({ title: 'The TF.js worker failed and was restarted', message: 'out of memory' });
    expect(store.getState().busy).toBe('Restarting the TF.js worker…');
    fake.pending('init').answer(WASM);
    await settle();
    const reload = fake.pending('loadModel');
    expect((reload.args[0] as ModelSource).name).toBe('LeNet-300-100 (MNIST)');
    reload.answer(loadedModel('LeNet-300-100 (MNIST)'));
    await settle();
    const baseline = fake.pending('evaluate');
    baseline.answer(evalResult(baseline.args[0] as number, 0.976));
    await settle();
    expect(fake.pending('compressStaged').args[1]).toEqual(later); // the plan follows the re-measure
    await answerPlan(fake, 0.97);
    expect(store.getState().points.map((p) => p.kind)).toEqual(['baseline', 'baseline', 'compressed']);
    expect(store.getState().busy).toBeUndefined();
  });

  it('exports only the measured compression, and refuses while a job runs', async () => {
    const { fake, store } = await started();
    store.getState().setPlan(PLAN);
    await settle();
    await store.getState().download('compact');
    expect(store.getState().error?.message).toMatch(/still being measured/);
    const job = await answerPlan(fake, 0.97);
    store.getState().dismissError();
    const exporting = store.getState().download('compact');
    await settle();
    const call = fake.pending('exportModel');
    expect(call.args).toEqual(['compact', job]);
    call.answer({ fileName: 'model.cstu', bytes: new Uint8Array(3) });
    await exporting;
    expect(fake.saved).toEqual(['LeNet-300-100-MNIST-model.cstu']);
    expect(store.getState().error).toBeUndefined();
  });

  it('a sweep measures each cell, then the live plan (none: the compression is dropped)', async () => {
    const { fake, store } = await started();
    const sweeping = store.getState().runSweep([0.5], [32, 8]);
    await settle();
    expect(store.getState().sweep).toMatchObject({ running: true, total: 2, done: 0 });
    await answerPlan(fake, 0.97);
    await answerPlan(fake, 0.96);
    await sweeping;
    const s = store.getState();
    expect(s.points.map((p) => p.kind)).toEqual(['baseline', 'sweep', 'sweep']);
    expect(s.points[2].plan).toEqual({ version: 1, prune: { ratio: 0.5, scope: 'global' }, quantize: { bits: 8 } });
    expect(s.sweep).toMatchObject({ running: false, done: 2 });
    expect(s.compressed).toBeUndefined();
    expect(fake.made('clearCompression').length).toBeGreaterThanOrEqual(2);
  });

  it('sensitivity keeps the current job\'s result only', async () => {
    const { fake, store } = await started();
    const first = store.getState().runSensitivity({ technique: 'prune', levels: [0.5] });
    const second = store.getState().runSensitivity({ technique: 'quantize', levels: [4] });
    const [a, b] = fake.made('sensitivity');
    expect(a.args[3]).toMatchObject({ technique: 'prune', limit: 2000 });
    a.answer({ technique: 'prune' });
    b.answer({ technique: 'quantize' });
    await Promise.all([first, second]);
    expect(store.getState().sensitivity?.technique).toBe('quantize');
  });

  it('two stores share nothing: each counts its own jobs and points', async () => {
    const one = await started();
    const two = await started();
    expect(one.store.getState().points.map((p) => p.id)).toEqual([1]);
    expect(two.store.getState().points.map((p) => p.id)).toEqual([1]);
    expect(one.fake.made('evaluate')[0].args[0]).toBe(two.fake.made('evaluate')[0].args[0]);
  });
});
