import { describe, expect, it } from 'vitest';
import { WeightStore } from './weightStore';

const w = (name: string, n = 2) => ({ name, shape: [n], values: new Float32Array(n) });

describe('WeightStore', () => {
  it('finds weights by layer and role, also uniquified or scoped names', () => {
    const s = new WeightStore([w('fc1/kernel'), w('fc1/bias'), w('fc2/kernel_1'), w('outer/fc3/kernel')]);
    expect(s.get('fc1', 'bias')?.name).toBe('fc1/bias');
    expect(s.get('fc2', 'kernel')?.name).toBe('fc2/kernel_1');
    expect(s.get('fc3', 'kernel')?.name).toBe('outer/fc3/kernel');
    expect(s.get('fc2', 'bias')).toBeUndefined();
    expect(() => s.need('fc2', 'bias')).toThrow(/"fc2" has no "bias"/);
  });

  it('replaces in place and adds next to an anchor with its scope prefix; the input array is not touched', () => {
    const input = [w('fc1/kernel'), w('fc1/bias'), w('outer/fc3/kernel')];
    const s = new WeightStore(input);
    s.set('fc1', 'kernel', new Float32Array(6), [2, 3]);
    s.add('fc1_lr', 'kernel', new Float32Array(1), [1], 'fc1', 'kernel', true);
    s.add('fc3', 'bias', new Float32Array(1), [1], 'fc3', 'kernel');
    expect(s.weights().map((x) => `${x.name}:${x.shape.join('x')}`)).toEqual(['fc1_lr/kernel:1', 'fc1/kernel:2x3', 'fc1/bias:2', 'outer/fc3/kernel:2', 'outer/fc3/bias:1']);
    expect(input[0].shape).toEqual([2]);
  });
});
