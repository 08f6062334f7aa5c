import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend';

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
