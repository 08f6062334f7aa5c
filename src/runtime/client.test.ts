import { afterEach, describe, expect, it, vi } from 'vitest';

/** A worker that takes every message and never answers (a hung job), and records terminate(). */
class SilentWorker {
  static made: SilentWorker[] = [];
  terminated = false;
  constructor() { SilentWorker.made.push(this); }
  postMessage() {}
  addEventListener() {}
  removeEventListener() {}
  terminate() { this.terminated = true; }
}

describe('studio client', () => {
  afterEach(() => { vi.unstubAllGlobals(); SilentWorker.made = []; });

  it('rejects calls pending on a worker that is restarted, and the next call gets a new worker', async () => {
    vi.stubGlobal('Worker', SilentWorker);
    vi.resetModules();
    const { restartStudio, studio, WorkerRestartedError } = await import('./client');
    const pending = studio().cancel(1) as unknown as Promise<void>;
    let settled = false;
    void pending.then(() => { settled = true; }, () => { settled = true; });
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false); // the worker never answers
    restartStudio();
    await expect(pending).rejects.toBeInstanceOf(WorkerRestartedError);
    expect(SilentWorker.made[0].terminated).toBe(true);
    void studio().cancel(2);
    expect(SilentWorker.made).toHaveLength(2);
    restartStudio();
  });
});
