import { describe, expect, it, vi } from 'vitest';
import { JobRunner } from './jobs';
import type { ProgressEvent } from '../runtime/protocol';
import { createStudioStore } from './createStore';
import { evalResult, FakeStudio, loadedModel, settle } from './fakeStudio';

const WASM = { requested: 'wasm' as const, active: 'wasm' as const, detail: 'WASM', unavailable: {} };

describe('opening a model shows its step progress as the busy text', () => {
  it('each loading event while the load runs; nothing sticks after it answered', async () => {
    const fake = new FakeStudio();
    const store = createStudioStore(fake.deps());
    const starting = store.getState().start();
    await settle();
    fake.pending('init').answer(WASM);
    await settle();
    const load = fake.pending('loadModel');
    const onProgress = load.args[1] as (p: ProgressEvent) => void;
    const name = (load.args[0] as { name: string }).name;
    onProgress({ type: 'progress', job: 0, phase: 'loading', fraction: 0.42, message: 'Quantizing conv1 (3/20)' });
    expect(store.getState().busy).toBe(`Loading ${name}: Quantizing conv1 (3/20) (42 %)`);
    load.answer(loadedModel(name));
    await settle();
    onProgress({ type: 'progress', job: 0, phase: 'loading', fraction: 1, message: 'late' });
    expect(store.getState().busy).toBeUndefined();
    const baseline = fake.pending('evaluate');
    baseline.answer(evalResult(baseline.args[0] as number, 0.9));
    await starting;
  });
});

describe('the job runner\'s progress throttle', () => {
  it('holds the newest event of a burst and shows it when the throttle allows, unless a newer one showed or the job ended', () => {
    vi.useFakeTimers();
    try {
      let t = 0;
      const shown: (string | undefined)[] = [];
      const runner = new JobRunner({ cancelInWorker: async () => {}, showProgress: (p) => shown.push(p?.message), now: () => t });
      const job = runner.start('compressing');
      const show = runner.progress(job);
      const ev = (message: string, fraction: number): ProgressEvent => ({ type: 'progress', job, phase: 'compressing', fraction, message });
      show(ev('Pruning', 0.05));
      t = 20; show(ev('Quantizing a (1/3)', 0.2));
      t = 40; show(ev('Building the compressed model', 0.85)); // held: 40 ms after the last shown
      expect(shown).toEqual(['compressing', 'Pruning']);
      t = 100; vi.advanceTimersByTime(80); // the held event's timer: 100 − 20 ms after the first was held
      expect(shown).toEqual(['compressing', 'Pruning', 'Building the compressed model']);
      t = 120; show(ev('late tick', 0.9)); // held again…
      runner.end(job); // …and dropped: the job ended, the bar went
      vi.advanceTimersByTime(200);
      expect(shown).toEqual(['compressing', 'Pruning', 'Building the compressed model', undefined]);
    } finally {
      vi.useRealTimers();
    }
  });
});
