import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';
import type { StudioState } from './types';
import { syncUrl, URL_WRITE_INTERVAL_MS } from './urlSync';

type Settings = Pick<StudioState, 'modelId' | 'datasetId' | 'backendChoice' | 'plan'> & { progress?: number };

/** A store with only the shareable settings, synced into a recorded hash. */
function synced(initial: Partial<Settings> = {}) {
  const store = create<Settings>()(() => ({ backendChoice: 'auto', ...initial }));
  const hash = { value: '#model=lenet-5', writes: [] as string[] };
  const stop = syncUrl(store as never, { read: () => hash.value, write: (h) => { hash.value = h; hash.writes.push(h); } });
  return { store, hash, stop };
}

const prune = (ratio: number) => ({ version: 1 as const, prune: { ratio } });

describe('URL sync', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('writes nothing before a model has loaded (the link that opened the page stays)', () => {
    const { store, hash } = synced();
    store.setState({ backendChoice: 'wasm', plan: prune(0.5) });
    vi.advanceTimersByTime(1000);
    expect(hash.writes).toEqual([]);
    store.setState({ modelId: 'lenet-5', datasetId: 'mnist-val' });
    expect(hash.value).toBe('#model=lenet-5&dataset=mnist-val&backend=wasm&prune=0.5');
  });

  it('throttles a drag to one write per interval and ends on the last state (trailing edge)', () => {
    const { store, hash } = synced({ modelId: 'lenet-5', datasetId: 'mnist-val' });
    store.setState({ plan: prune(0.1) }); // after a quiet spell: at once
    expect(hash.writes).toHaveLength(1);
    for (let i = 2; i <= 60; i++) {
      vi.advanceTimersByTime(16); // a drag: one move per frame for about a second
      store.setState({ plan: prune(i / 100) });
    }
    vi.advanceTimersByTime(URL_WRITE_INTERVAL_MS);
    expect(hash.writes.length).toBeLessThanOrEqual(1 + Math.ceil((60 * 16) / URL_WRITE_INTERVAL_MS) + 1);
    expect(hash.writes.length).toBeGreaterThan(1);
    expect(hash.value).toContain('prune=0.6');
    // ≤ 100 writes in 30 s however fast the moves come
    for (let i = 0; i < 3000; i++) {
      vi.advanceTimersByTime(10);
      store.setState({ plan: prune((i % 90) / 100) });
    }
    const last30s = hash.writes.length;
    expect(last30s).toBeLessThan(100 + 5);
  });

  it('ignores changes that do not touch the shared settings, and never names the user\'s model or data', () => {
    const { store, hash } = synced({ modelId: 'lenet-5', datasetId: 'mnist-val' });
    store.setState({ progress: 0.5 });
    expect(hash.writes).toEqual([]);
    store.setState({ modelId: 'user', datasetId: 'user-3' });
    expect(hash.value).toBe('#backend=auto');
  });

  it('stops when unsubscribed, with no trailing write left', () => {
    const { store, hash, stop } = synced({ modelId: 'lenet-5' });
    store.setState({ plan: prune(0.1) });
    store.setState({ plan: prune(0.2) });
    stop();
    vi.advanceTimersByTime(1000);
    expect(hash.writes).toHaveLength(1);
  });
});
