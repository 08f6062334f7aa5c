import { describe, expect, it } from 'vitest';
import type { BackendInfo, TrainSource } from '../runtime/protocol';
import { createStudioStore } from './createStore';
import { evalResult, FakeStudio, loadedModel, settle, summary, trainingOf, userEntry } from './fakeStudio';
import { chosenTrainData, trainChoices } from './trainData';
import { readUrlSettings, writeUrlSettings } from './urlState';

const WASM: BackendInfo = { requested: 'wasm', active: 'wasm', detail: 'WASM · SIMD · 1 thread', unavailable: {} };
const DISTILL = { version: 1 as const, channels: { ratio: 0.5 }, quantize: { bits: 4 }, distill: { epochs: 2, temperature: 4, alpha: 0 } };
const FINETUNE = { version: 1 as const, prune: { ratio: 0.9 }, finetune: { epochs: 1 } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A store on a fake worker opened at `hash`, the demo loaded and its baseline measured. */
async function started(hash = '#backend=wasm') {
  const fake = new FakeStudio();
  fake.hash = hash;
  const store = createStudioStore(fake.deps());
  const starting = store.getState().start();
  await settle();
  fake.pending('init').answer(WASM);
  await settle();
  fake.pending('loadModel').answer(loadedModel('LeNet-5 (MNIST)'));
  await settle();
  const baseline = fake.pending('evaluate');
  baseline.answer(evalResult(baseline.args[0] as number, 0.99));
  await starting;
  return { fake, store };
}

/** Sets `plan` and returns its pending compression's job and TrainSource. */
async function compressing(fake: FakeStudio, store: ReturnType<typeof createStudioStore>, plan: typeof DISTILL | typeof FINETUNE | { version: 1 }) {
  store.getState().setPlan(structuredClone(plan) as never);
  await settle();
  // A move within the debounce of the last one runs at the end of it.
  if (!fake.made('compressStaged').some((c) => !c.settled)) await sleep(300);
  const call = fake.pending('compressStaged');
  return { call, job: call.args[0] as number, train: call.args[2] as TrainSource | undefined, progress: call.args[3] as (p: unknown) => void };
}

/** Answers a pending compression of `job` and its sizes and evaluation. */
async function finish(fake: FakeStudio, job: number, agreement: number) {
  fake.pending('compressStaged').answer({ type: 'done', job, summary: summary(1000) });
  await settle();
  fake.pending('compressedSizes').answer({ compact: { raw: 1000, gzip: 900 }, tfjs: { raw: 4000, gzip: 2000, zip: 2000 } });
  fake.pending('evaluate').answer(evalResult(job, agreement));
  await settle();
}

describe('recovery data and the training curve', () => {
  it('distillation trains on the bundled training split, preprocessed as the validation data; the curve grows, then stays once finished', async () => {
    const { fake, store } = await started();
    store.setState({ datasets: store.getState().datasets.map((d) => (d.id === 'mnist-val' ? { ...d, mean: [0.13], std: [0.31] } : d)) });
    const { job, train, progress } = await compressing(fake, store, DISTILL);
    expect(train?.entry).toMatchObject({ id: 'mnist-train', images: 'data/mnist/train-images.u8', scale: 1 / 255, mean: [0.13], std: [0.31] });
    expect(train?.baseUrl).toBe('http://studio.test/');
    progress(trainingOf(job, 1, 4, 2.0, 0.5));
    progress(trainingOf(job, 2, 4, 1.5, 0.7));
    expect(store.getState().training).toMatchObject({ job, method: 'distill', data: 'MNIST (training)', steps: 4, finished: false, points: [{ step: 1, loss: 2, agreement: 0.5 }, { step: 2, loss: 1.5, agreement: 0.7 }] });
    // An event of another job (a stale one) is not drawn.
    progress(trainingOf(job + 7, 3, 4, 9, 0));
    expect(store.getState().training?.points).toHaveLength(2);
    await finish(fake, job, 0.97);
    expect(store.getState().training).toMatchObject({ job, finished: true });
    expect(store.getState().points.at(-1)).toMatchObject({ kind: 'compressed', accuracy: 0.97, trainData: 'mnist-train' });
  });

  it('a new training job starts a new curve; one cut short leaves the last finished curve', async () => {
    const { fake, store } = await started();
    const first = await compressing(fake, store, DISTILL);
    first.progress(trainingOf(first.job, 1, 2, 2.0, 0.6));
    await finish(fake, first.job, 0.95);
    const second = await compressing(fake, store, { ...DISTILL, distill: { ...DISTILL.distill, epochs: 3 } });
    second.progress(trainingOf(second.job, 1, 3, 1.0, 0.8));
    expect(store.getState().training).toMatchObject({ job: second.job, finished: false, points: [{ step: 1, loss: 1, agreement: 0.8 }] });
    store.getState().cancel();
    second.call.answer({ type: 'cancelled', job: second.job });
    await settle();
    expect(store.getState().training).toMatchObject({ job: first.job, finished: true, points: [{ step: 1, loss: 2, agreement: 0.6 }] });
  });

  it('fine-tuning takes labelled data only; distillation takes the user\'s unlabelled set as imported; no training, no data', async () => {
    const { fake, store } = await started();
    const shots = userEntry('user-9', 200, false);
    store.setState({ datasets: [...store.getState().datasets, shots], trainDataId: 'user-9' });
    expect(trainChoices(store.getState()).map((c) => [c.id, c.labelled, c.bundled])).toEqual([['mnist-train', true, true], ['user-9', false, false]]);
    expect(chosenTrainData(store.getState(), FINETUNE)?.id).toBe('mnist-train');
    const tune = await compressing(fake, store, FINETUNE);
    expect(tune.train?.entry.id).toBe('mnist-train');
    await finish(fake, tune.job, 0.98);
    const distil = await compressing(fake, store, DISTILL);
    expect(distil.train?.entry).toEqual(shots);
    await finish(fake, distil.job, 0.9);
    const plain = await compressing(fake, store, { version: 1, quantize: { bits: 4 } } as never);
    expect(plain.train).toBeUndefined();
    await finish(fake, plain.job, 0.9);
    expect(store.getState().points.at(-1)?.trainData).toBeUndefined();
    // Restoring the point distilled on the user's set brings that data back with the plan.
    store.setState({ trainDataId: 'mnist-train' });
    const distilled = store.getState().points.find((q) => q.plan?.distill);
    expect(distilled?.trainData).toBe('user-9');
    store.getState().restorePoint(distilled?.id as number);
    expect(store.getState().trainDataId).toBe('user-9');
    await sleep(300);
    expect((fake.pending('compressStaged').args[2] as TrainSource).entry.id).toBe('user-9');
    await finish(fake, fake.pending('compressStaged').args[0] as number, 0.9);
    // Taylor scores need data even without a recovery.
    const taylor = await compressing(fake, store, { version: 1, prune: { ratio: 0.5, score: 'taylor' } } as never);
    expect(taylor.train?.entry.id).toBe('user-9');
  });

  it('a labelled dropped set can be fine-tuned on; without any labelled data fine-tuning has nothing', async () => {
    const { store } = await started();
    const labelled = userEntry('user-4', 60, true);
    store.setState({ datasets: [...store.getState().datasets, labelled], trainDataId: 'user-4' });
    expect(chosenTrainData(store.getState(), FINETUNE)?.entry).toEqual(labelled);
    store.setState({ trainSplits: [], datasets: [...store.getState().datasets.filter((d) => d.id !== 'user-4'), userEntry('user-5', 60, false)], trainDataId: undefined });
    expect(chosenTrainData(store.getState(), FINETUNE)).toBeUndefined();
    expect(chosenTrainData(store.getState(), DISTILL)?.id).toBe('user-5');
  });

  it('choosing the data runs a training plan again and goes into the link (bundled data only)', async () => {
    const { fake, store } = await started('#backend=wasm&td=mnist-train');
    expect(store.getState().trainDataId).toBe('mnist-train');
    const first = await compressing(fake, store, DISTILL);
    await finish(fake, first.job, 0.95);
    store.setState({ datasets: [...store.getState().datasets, userEntry('user-2', 200, false)] });
    store.getState().setTrainData('user-2');
    await sleep(300);
    const again = fake.pending('compressStaged');
    expect((again.args[2] as TrainSource).entry.id).toBe('user-2');
    await finish(fake, again.args[0] as number, 0.96);
    await sleep(450); // the throttled hash write
    expect(fake.hash).not.toContain('td=');
    expect(fake.hash).toContain('kd=2');
    store.getState().setTrainData('mnist-train');
    await sleep(300);
    await finish(fake, fake.pending('compressStaged').args[0] as number, 0.95);
    await sleep(450);
    expect(fake.hash).toContain('td=mnist-train');
  });
});

/** A dropped file at `path` (a folder's file carries its relative path, as the browser gives it). */
const dropped = (path: string) => Object.assign(new File([new Uint8Array(8)], path.split('/').pop() as string), { webkitRelativePath: path });

/** Drops `folder`'s images and answers the worker's import as `entry`'s; returns the new data set's id. */
async function drop(fake: FakeStudio, store: ReturnType<typeof createStudioStore>, folder: string, labelled: boolean) {
  const loading = store.getState().loadData([dropped(`${folder}/1.png`), dropped(`${folder}/2.png`)]);
  await settle();
  const call = fake.pending('importData');
  const id = call.args[1] as string;
  call.answer({ entry: { ...userEntry(id, 2, labelled), name: call.args[2] }, kind: 'images', notes: [] });
  await settle();
  const evaluation = fake.pending('evaluate');
  evaluation.answer({ ...evalResult(evaluation.args[0] as number, NaN), labelled, dataset: id });
  await loading;
  return id;
}

describe('the user\'s data sets', () => {
  it('every folder dropped stays on offer for training; one dropped again replaces its earlier copy', async () => {
    const { fake, store } = await started();
    const train = await drop(fake, store, 'unlabelled', false);
    const val = await drop(fake, store, 'labelled', true);
    expect(store.getState().datasetId).toBe(val);
    expect(trainChoices(store.getState()).map((c) => [c.name, c.labelled])).toEqual([['MNIST (training)', true], ['unlabelled (your data)', false], ['labelled (your data)', true]]);
    expect(store.getState().userData.map((d) => d.id)).toEqual([train, val]);
    store.setState({ trainDataId: train });
    const again = await drop(fake, store, 'unlabelled', false);
    expect(store.getState().userData.map((d) => d.id)).toEqual([val, again]);
    expect(store.getState().trainDataId).toBe(again); // the copy it trained on is the one dropped again
    expect(store.getState().datasets.filter((d) => d.id.startsWith('user-')).map((d) => d.id)).toEqual([val, again]);
  });
});

describe('bundled splits for a user\'s model', () => {
  it('on the user\'s data, every bundled split of the model\'s input shape is offered; none for another shape', async () => {
    const { store } = await started();
    const shots = userEntry('user-7', 40, false);
    store.setState({ modelId: 'user', datasets: [...store.getState().datasets, shots], datasetId: 'user-7' });
    expect(trainChoices(store.getState()).map((c) => c.id)).toEqual(['mnist-train', 'user-7']);
    store.setState({ model: loadedModel('cifar net', [-1, 32, 32, 3]) });
    expect(trainChoices(store.getState()).map((c) => c.id)).toEqual(['user-7']);
    // Measured on a bundled set, that set's training split is the one offered, whatever the model.
    store.setState({ datasetId: 'mnist-val' });
    expect(trainChoices(store.getState()).map((c) => c.id)).toEqual(['mnist-train', 'user-7']);
  });
});

describe('a folder added to train on', () => {
  it('becomes the training data without changing what is measured, and a distilling plan trains on it', async () => {
    const { fake, store } = await started();
    const first = await compressing(fake, store, DISTILL);
    await finish(fake, first.job, 0.9);
    const loading = store.getState().loadData([dropped('unlabelled/1.png'), dropped('unlabelled/2.png')], { train: true });
    await settle();
    const call = fake.pending('importData');
    const id = call.args[1] as string;
    call.answer({ entry: { ...userEntry(id, 2, false), name: call.args[2] }, kind: 'images', notes: [] });
    await loading;
    expect(store.getState().datasetId).toBe('mnist-val');
    expect(store.getState().trainDataId).toBe(id);
    await sleep(300);
    const again = fake.pending('compressStaged');
    expect((again.args[2] as TrainSource).entry).toMatchObject({ id, name: 'unlabelled (your data)' });
    expect(fake.made('evaluate').filter((c) => !c.settled)).toHaveLength(0); // no new baseline: the measured data is the same
  });
});

describe('td in the link', () => {
  it('round-trips the training data id beside the plan; an invalid id is ignored', () => {
    const settings = { model: 'lenet-5', trainData: 'mnist-train', plan: DISTILL };
    const hash = writeUrlSettings(settings);
    expect(hash).toContain('td=mnist-train');
    expect(readUrlSettings(hash)).toEqual(settings);
    expect(readUrlSettings('#td=a%20b&model=lenet-5')).toEqual({ model: 'lenet-5' });
  });
});
