import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../runtime/protocol';
import { JobRunner } from './jobs';
import { progressOf } from './fakeStudio';

/** A runner with a hand-set clock, recording what the worker was told and what the bar showed. */
function runner() {
  const cancelled: number[] = [];
  const shown: (ProgressEvent | undefined)[] = [];
  const clock = { t: 0 };
  const r = new JobRunner({
    cancelInWorker: async (job) => { cancelled.push(job); },
    showProgress: (p) => shown.push(p),
    now: () => clock.t,
  });
  return { r, cancelled, shown, clock, bar: () => shown.at(-1) };
}

describe('JobRunner', () => {
  it('a new job supersedes the running one: the worker is told to cancel it and its results are no longer current', () => {
    const { r, cancelled, bar } = runner();
    const first = r.start('compressing');
    expect(r.isCurrent(first)).toBe(true);
    expect(bar()).toMatchObject({ job: first, phase: 'data', fraction: 0, message: 'compressing' });
    const second = r.start('compressing');
    expect(second).not.toBe(first);
    expect(cancelled).toEqual([first]);
    expect(r.isCurrent(first)).toBe(false);
    expect(r.isCurrent(second)).toBe(true);
    expect(bar()?.job).toBe(second);
  });

  it('drops a superseded job\'s progress and its end, which must not end the newer job', () => {
    const { r, shown, bar } = runner();
    const first = r.start('a');
    const onFirst = r.progress(first, 0);
    const second = r.start('b');
    const before = shown.length;
    onFirst(progressOf(first, 'accuracy', 0.5));
    expect(shown).toHaveLength(before); // stale: not shown
    r.end(first);
    expect(r.current).toBe(second);
    expect(bar()?.job).toBe(second);
    r.progress(second, 0)(progressOf(second, 'accuracy', 0.5));
    expect(bar()).toMatchObject({ job: second, phase: 'accuracy', fraction: 0.5 });
  });

  it('cancel ends the job at once (no bar, no current job) and tells the worker; later events of it are dropped', async () => {
    const { r, cancelled, shown, bar } = runner();
    const job = r.start('sensitivity');
    const ack = r.cancel();
    expect(ack).toBeInstanceOf(Promise);
    await ack;
    expect(cancelled).toEqual([job]);
    expect(r.current).toBeUndefined();
    expect(bar()).toBeUndefined();
    const before = shown.length;
    r.progress(job, 0)(progressOf(job, 'accuracy', 0.9));
    expect(shown).toHaveLength(before);
    expect(r.cancel()).toBeUndefined(); // nothing runs: nothing to cancel
    expect(cancelled).toEqual([job]);
  });

  it('the bar is not the token: clearing what it shows does not end the job', () => {
    const { r, bar } = runner();
    const job = r.start('compressing');
    // What the page shows is its own business (a component or the store may clear it) …
    r.progress(job, 0)(progressOf(job, 'accuracy', 0.3));
    expect(bar()?.fraction).toBe(0.3);
    // … the job stays current until it ends, is cancelled or superseded.
    expect(r.isCurrent(job)).toBe(true);
    r.end(job);
    expect(r.isCurrent(job)).toBe(false);
    expect(bar()).toBeUndefined();
  });

  it('throttles ticks within a phase but shows a phase change at once', () => {
    const { r, shown, clock } = runner();
    const job = r.start('x');
    const on = r.progress(job, 100);
    clock.t = 150;
    on(progressOf(job, 'latency', 0.1));
    const n = shown.length;
    clock.t = 180;
    on(progressOf(job, 'latency', 0.2)); // 30 ms later, same phase: dropped
    expect(shown).toHaveLength(n);
    on(progressOf(job, 'throughput', 0.1)); // a new phase: shown
    expect(shown).toHaveLength(n + 1);
    clock.t = 300;
    on(progressOf(job, 'throughput', 0.5));
    expect(shown).toHaveLength(n + 2);
  });

  it('remembers a baseline until it ends or is superseded, even when cancelled', () => {
    const { r } = runner();
    const base = r.start('starting', { baseline: true });
    expect(r.baselineRunning).toBe(true);
    void r.cancel();
    expect(r.baselineRunning).toBe(true); // the evaluation still has to come back from the worker
    r.end(base);
    expect(r.baselineRunning).toBe(false);
    r.start('starting', { baseline: true });
    r.start('compressing');
    expect(r.baselineRunning).toBe(false);
  });

  it('reset forgets every job and what the worker held', () => {
    const { r, bar } = runner();
    const job = r.start('starting', { baseline: true });
    r.held = job;
    r.reset();
    expect([r.current, r.held, r.baselineRunning, bar()]).toEqual([undefined, undefined, false, undefined]);
  });

  it('stores made separately count jobs separately', () => {
    const a = runner().r;
    const b = runner().r;
    a.start('x');
    a.start('y');
    expect(b.start('z')).toBe(1);
  });
});
