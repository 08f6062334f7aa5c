import { describe, expect, it } from 'vitest';
import { heldArrayBytes, jsHeap, memoryReport } from './memory';

describe('worker memory', () => {
  it('counts each ArrayBuffer once, its whole length, through objects, arrays and Maps; cycles are safe', () => {
    const a = new ArrayBuffer(1000);
    const view = new Float32Array(a, 400, 10); // keeps all 1000 bytes alive
    const b = new Uint8Array(24);
    const cyclic: Record<string, unknown> = { b, again: b.subarray(2) };
    cyclic.self = cyclic;
    expect(heldArrayBytes(a, [view, { x: view }], new Map([['k', cyclic]]), undefined, null)).toEqual({ bytes: 1024, buffers: 2 });
    expect(heldArrayBytes()).toEqual({ bytes: 0, buffers: 0 });
  });

  it('does not enter class instances other than Map (their memory is counted elsewhere)', () => {
    class Holder { data = new Uint8Array(100); }
    expect(heldArrayBytes(new Holder(), { f: () => new Uint8Array(5) })).toEqual({ bytes: 0, buffers: 0 });
  });

  it('reports parameters × 4 as the float32 weights, and the heap only where the platform has performance.memory', () => {
    const r = memoryReport(1000, new Uint8Array(10));
    expect(r.weightsFloat32).toBe(4000);
    expect(r.arrays).toEqual({ bytes: 10, buffers: 1 });
    expect(r.tensors.count).toBeGreaterThanOrEqual(0);
    const has = Boolean((performance as unknown as { memory?: unknown }).memory);
    expect(jsHeap() !== undefined).toBe(has);
  });
});
