import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { gridCells, gridKey, parseGrid, parseShard, shardCells } from './grid';
import { cellPlan } from './sweepCell';

describe('parseGrid / gridCells', () => {
  it('enumerates the cartesian product in the fixed axis order, values as given (hand-checked)', () => {
    const g = parseGrid(['bits=8,4', 'prune=0,0.5,0.8']);
    expect(gridKey(g)).toBe('prune=0,0.5,0.8 bits=8,4');
    expect(gridCells(g)).toEqual([
      { prune: 0, bits: 8 }, { prune: 0, bits: 4 }, { prune: 0.5, bits: 8 }, { prune: 0.5, bits: 4 }, { prune: 0.8, bits: 8 }, { prune: 0.8, bits: 4 },
    ]);
    // The command line's order of axes does not change the cells or their indices.
    expect(gridCells(parseGrid(['prune=0,0.5,0.8', 'bits=8,4']))).toEqual(gridCells(g));
    const big = parseGrid(['clusters=0,16', 'rank=0,0.5', 'channels=0,0.25', 'bits=32,f16,8']);
    expect(gridKey(big)).toBe('channels=0,0.25 rank=0,0.5 clusters=0,16 bits=32,f16,8');
    expect(gridCells(big)).toHaveLength(2 * 2 * 2 * 3);
    expect(gridCells(big)[3]).toEqual({ channels: 0, rank: 0, clusters: 16, bits: 32 });
  });

  it('refuses a bad axis, a bad value, a repeated axis or value, and no grid, naming the word', () => {
    const bad: [string[], RegExp][] = [
      [[], /sweep needs --grid/],
      [['sparsity=0.5'], /--grid sparsity=0\.5: unknown axis "sparsity"/],
      [['prune'], /--grid prune: expected <axis>=<v1>,<v2>/],
      [['prune=0,1.5'], /--grid prune=0,1\.5: "1\.5" is not a share of weights in \[0, 0\.99\]/],
      [['prune=0,,0.5'], /"" is not a number/],
      [['bits=3.5'], /"3\.5" is not a whole number of bits/],
      [['bits=f32'], /"f32" is not a number or f16/],
      [['clusters=1'], /"1" is not a whole number of clusters in \[2, 65536\]/],
      [['rank=1.5'], /"1\.5" is not a fraction of full rank/],
      [['prune=0.5', 'prune=0.8'], /the axis prune is given twice/],
      [['bits=8,8'], /a value is listed twice/],
    ];
    for (const [words, message] of bad) {
      expect(() => parseGrid(words)).toThrow(UsageError);
      expect(() => parseGrid(words)).toThrow(message);
    }
  });
});

describe('parseShard / shardCells', () => {
  it('reads i/n and refuses an index out of range or a malformed spec', () => {
    expect(parseShard(undefined)).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('3/3')).toThrow(/--shard 3\/3: the index must be below n \(0 to 2\); indices start at 0/);
    expect(() => parseShard('0/0')).toThrow(/n must be at least 1/);
    expect(() => parseShard('-1/3')).toThrow(/expected i\/n/);
    expect(() => parseShard('/3')).toThrow(/expected i\/n/);
    expect(() => parseShard('1')).toThrow(UsageError);
  });

  it('gives cell k to shard k mod n: the shards partition the grid', () => {
    expect(shardCells(7, { index: 1, count: 3 })).toEqual([1, 4]);
    expect(shardCells(2, { index: 2, count: 3 })).toEqual([]);
    for (const n of [1, 2, 3, 5, 8]) {
      const all = Array.from({ length: n }, (_, i) => shardCells(11, { index: i, count: n })).flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 11 }, (_, k) => k));
    }
  });
});

describe('cellPlan', () => {
  it('lays the cell over the flags; a "not applied" value removes its section and the flags that depend on it', () => {
    expect(cellPlan({}, { prune: 0, bits: 32 })).toEqual({ version: 1 });
    expect(cellPlan({ score: 'magnitude', granularity: 'channel' }, { prune: 0.5, bits: 4 })).toEqual({
      version: 1, prune: { ratio: 0.5, scope: 'global', score: 'magnitude' }, quantize: { bits: 4, granularity: 'channel' },
    });
    // --granularity belongs to quantization: with bits 32 or f16 it is dropped, not an error.
    expect(cellPlan({ granularity: 'channel' }, { bits: 32 })).toEqual({ version: 1 });
    expect(cellPlan({ granularity: 'channel' }, { bits: 'f16' })).toEqual({ version: 1, quantize: 'float16' });
    expect(cellPlan({}, { rank: 0.5, clusters: 16 })).toEqual({ version: 1, lowRank: { by: 'fraction', value: 0.5 }, cluster: { k: 16 } });
    expect(cellPlan({ finetune: 2, lr: 0.001 }, { channels: 0.25 })).toMatchObject({ channels: { ratio: 0.25 }, finetune: { epochs: 2, learningRate: 0.001 } });
  });

  it('prune 0 removes the pruning of a --plan file too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-grid-'));
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ version: 1, prune: { ratio: 0.9, scope: 'layer' }, quantize: { bits: 8 } }));
    expect(cellPlan({ plan }, { prune: 0 })).toEqual({ version: 1, quantize: { bits: 8 } });
    expect(cellPlan({ plan }, { prune: 0.5 })).toEqual({ version: 1, prune: { ratio: 0.5, scope: 'layer' }, quantize: { bits: 8 } });
  });
});
