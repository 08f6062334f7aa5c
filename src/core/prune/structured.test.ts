import { describe, expect, it } from 'vitest';
import { channelScores, pruneChannels } from './structured';

// Dense kernel [in=2, out=3]: output channels are the columns.
const W = new Float32Array([
  1, -2, 0.5,
  -3, 1, 0.5,
]);

describe('channelScores', () => {
  it('computes L1 and L2 per output channel (hand-checked)', () => {
    expect(Array.from(channelScores(W, [2, 3], { norm: 'l1' }))).toEqual([4, 3, 1]);
    const l2 = channelScores(W, [2, 3], { norm: 'l2' });
    expect(l2[0]).toBeCloseTo(Math.sqrt(10), 12);
    expect(l2[1]).toBeCloseTo(Math.sqrt(5), 12);
    expect(l2[2]).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(Array.from(channelScores(W, [2, 3], { norm: 'l1', axis: 0 }))).toEqual([3.5, 4.5]);
  });

  it('handles empty tensors and rejects bad input', () => {
    expect(channelScores(new Float32Array(0), [0, 3], { norm: 'l1' })).toEqual(new Float64Array(3));
    expect(() => channelScores(new Float32Array([NaN]), [1, 1], { norm: 'l1' })).toThrow('channelScores: values[0] is NaN; weights must be finite');
    expect(() => channelScores(W, [2, 3], { norm: 'l3' as 'l1' })).toThrow("channelScores: norm must be 'l1' or 'l2', got l3");
  });
});

describe('pruneChannels', () => {
  it('removes the lowest-scoring channels whole (hand-checked)', () => {
    const r = pruneChannels(W, [2, 3], channelScores(W, [2, 3], { norm: 'l1' }), { ratio: 1 / 3 });
    expect(Array.from(r.channelMask)).toEqual([1, 1, 0]);
    expect(Array.from(r.values)).toEqual([1, -2, 0, -3, 1, 0]);
    expect(Array.from(r.mask)).toEqual([1, 1, 0, 1, 1, 0]);
    expect(r.pruned).toBe(2);
  });

  it('breaks ties by channel index; ratio 0 changes nothing; ratio 1 is refused', () => {
    const tie = pruneChannels(W, [2, 3], [1, 1, 1], { ratio: 0.5 }); // round(1.5) = 2
    expect(Array.from(tie.channelMask)).toEqual([0, 0, 1]);
    expect(pruneChannels(W, [2, 3], [3, 2, 1], { ratio: 0 }).values).toEqual(W);
    expect(() => pruneChannels(W, [2, 3], [3, 2, 1], { ratio: 1 })).toThrow('pruneChannels: ratio 1 would remove all 3 channels; keep at least one');
    expect(() => pruneChannels(W, [2, 3], [3, 2], { ratio: 0.5 })).toThrow('pruneChannels: expected 3 scores (one per channel), got 2');
    expect(() => pruneChannels(W, [2, 3], [3, NaN, 1], { ratio: 0.5 })).toThrow('pruneChannels: scores[1] is NaN');
  });

  it('zeroes whole slices along any axis and counts exactly', () => {
    const x = Float32Array.from({ length: 4 * 3 * 5 }, (_, i) => i + 1);
    const r = pruneChannels(x, [4, 3, 5], [5, 1, 3], { ratio: 0.4, axis: 1 }); // round(1.2) = 1 channel
    expect(Array.from(r.channelMask)).toEqual([1, 0, 1]);
    for (let i = 0; i < x.length; i++) expect(r.mask[i]).toBe(Math.floor(i / 5) % 3 === 1 ? 0 : 1);
    expect(r.pruned).toBe(20);
  });
});
