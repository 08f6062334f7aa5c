import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectBackend, wasmThreadCount } from './backend';

// Node has no navigator.gpu: WebGPU must be reported unavailable with the reason, and tfjs's
// silent fallback must show up as the backend that really runs.
describe('selectBackend', () => {
  it('auto picks WASM when there is no WebGPU, and says why WebGPU is out', async () => {
    const info = await selectBackend('auto');
    expect(info.active).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.detail).toMatch(/^WASM · (SIMD|no SIMD) · \d+ threads?$/);
    expect(info.unavailable.webgpu).toMatch(/navigator\.gpu is missing/);
  });

  it('asking for WebGPU without one runs WASM and notes the fallback', async () => {
    const info = await selectBackend('webgpu');
    expect(info.requested).toBe('webgpu');
    expect(info.active).toBe('wasm');
    expect(info.note).toMatch(/webgpu could not start .*running on wasm instead/);
  });

  it('CPU can be chosen explicitly', async () => {
    const info = await selectBackend('cpu');
    expect(info.active).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.detail).toMatch(/^CPU/);
    await selectBackend('wasm');
  });
});

describe('wasmThreadCount', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('uses every core when the page is cross-origin isolated', () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
    vi.stubGlobal('crossOriginIsolated', true);
    expect(wasmThreadCount()).toBe(2);
    vi.stubGlobal('navigator', { hardwareConcurrency: 8 });
    expect(wasmThreadCount()).toBe(8);
  });

  it('caps a requested count at the cores and at least 1', () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 4 });
    vi.stubGlobal('crossOriginIsolated', true);
    expect(wasmThreadCount(1)).toBe(1);
    expect(wasmThreadCount(16)).toBe(4);
    expect(wasmThreadCount(0)).toBe(1);
  });

  it('is 1 without cross-origin isolation or SharedArrayBuffer', () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 8 });
    vi.stubGlobal('crossOriginIsolated', false);
    expect(wasmThreadCount()).toBe(1);
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    expect(wasmThreadCount()).toBe(1);
  });

  it('is 1 when the core count is unknown', () => {
    vi.stubGlobal('navigator', {});
    vi.stubGlobal('crossOriginIsolated', true);
    expect(wasmThreadCount()).toBe(1);
  });
});

describe('startWasmWithThreads', () => {
  afterEach(() => vi.unstubAllGlobals());

  // A fresh module each time: the thread count is fixed at the backend's first start.
  const fresh = async () => { vi.resetModules(); return (await import('./backend')).startWasmWithThreads; };

  it('shows tfjs-wasm twice the thread count as cores while it starts (it halves them), then the real count', async () => {
    // As in browsers: a getter on the prototype.
    const nav = Object.create({ get hardwareConcurrency() { return 2; } }) as { hardwareConcurrency: number };
    vi.stubGlobal('navigator', nav);
    const start = await fresh();
    expect(await start(2, async () => navigator.hardwareConcurrency)).toBe(4);
    expect(navigator.hardwareConcurrency).toBe(2);
    expect(Object.prototype.hasOwnProperty.call(nav, 'hardwareConcurrency')).toBe(false);
    // An own, configurable property (Node's navigator) is put back as it was.
    const own = { hardwareConcurrency: 3 };
    vi.stubGlobal('navigator', own);
    expect(await (await fresh())(3, async () => navigator.hardwareConcurrency)).toBe(6);
    expect(Object.getOwnPropertyDescriptor(own, 'hardwareConcurrency')).toEqual({ value: 3, writable: true, enumerable: true, configurable: true });
  });

  it('restores the real count when starting fails, and leaves 1 thread alone', async () => {
    vi.stubGlobal('navigator', Object.create({ hardwareConcurrency: 4 }));
    const start = await fresh();
    await expect(start(4, async () => { throw new Error('no wasm'); })).rejects.toThrow('no wasm');
    expect(navigator.hardwareConcurrency).toBe(4);
    expect(Object.prototype.hasOwnProperty.call(navigator, 'hardwareConcurrency')).toBe(false);
    const again = await fresh();
    expect(await again(1, async () => navigator.hardwareConcurrency)).toBe(4);
  });

  it('only the first start counts: later ones run as they are', async () => {
    vi.stubGlobal('navigator', Object.create({ hardwareConcurrency: 2 }));
    const start = await fresh();
    await start(2, async () => 0);
    expect(await start(2, async () => navigator.hardwareConcurrency)).toBe(2);
  });
});
