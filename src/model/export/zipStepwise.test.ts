import { describe, expect, it } from 'vitest';
import { zipFiles } from './exportFiles';
import { zipStepwise } from './zipStepwise';

const file = (name: string, n: number, seed: number) => ({ name, bytes: Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 3)) & 0xff) });

describe('zipStepwise', () => {
  it('writes exactly zipFiles\' bytes, reporting each file before it is zipped and 1 at the end', () => {
    const files = [file('model.json', 300, 7), file('group1-shard1of3.bin', 5000, 13), file('group1-shard2of3.bin', 5000, 31), file('group1-shard3of3.bin', 10, 3)];
    const events: [number, string][] = [];
    const zip = zipStepwise(files, (f, m) => events.push([f, m]));
    expect(zip).toEqual(zipFiles(files));
    expect(events).toEqual([[0, 'Zipping model.json (1/4)'], [0.25, 'Zipping group1-shard1of3.bin (2/4)'], [0.5, 'Zipping group1-shard2of3.bin (3/4)'], [0.75, 'Zipping group1-shard3of3.bin (4/4)'], [1, 'Zipped 4 files']]);
  });

  it('without a listener or with one file, is zipFiles itself; a duplicate name still throws', () => {
    const one = [file('a.bin', 100, 5)];
    expect(zipStepwise(one, () => {})).toEqual(zipFiles(one));
    expect(() => zipStepwise([file('a.bin', 1, 1), file('a.bin', 2, 1)], () => {})).toThrow(/two files are called "a.bin"/);
  });
});
