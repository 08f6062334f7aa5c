import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../node/io';
import { captureMain } from './captureMain';

/** Runs the real CLI entry (bin/compression-studio.js) as its own process, as a batch worker would. */
function cli(...args: string[]): Promise<{ code: number | null; json: { [k: string]: unknown }; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'compression-studio.js'), ...args], { cwd: ROOT });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
      resolve({ code, json: last ? JSON.parse(last) : {}, stderr });
    });
  });
}

const lenet = join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json');
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
/** A line without what a rerun or another worker may change: the measured latency, and which shard ran it. */
const stable = ({ latencyMs: _l, shard: _s, ...rest }: Record<string, unknown>) => rest;

describe('sweep --shard + merge', () => {
  it('3 shards in 3 processes, merged, equal a one-process sweep (fine-tuned cells included); a rerun resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-sweep-'));
    const args = [lenet, '--grid', 'prune=0.5,0.8,0.95', 'bits=32,4', '--finetune', '1', '--train', 'mnist-train', '--train-limit', '256', '--dataset', 'mnist-val', '--limit', '200'];
    const t0 = performance.now();
    const shards = await Promise.all([0, 1, 2].map((i) => cli('sweep', ...args, '--shard', `${i}/3`, '--out', join(dir, `shard-${i}.jsonl`))));
    const sharded = performance.now() - t0;
    const one = await cli('sweep', ...args, '--out', join(dir, 'one.jsonl'));
    console.info(`3 shards in parallel: ${Math.round(sharded)} ms; one process: ${Math.round(performance.now() - t0 - sharded)} ms`);
    for (const r of [...shards, one]) expect(r.code, r.stderr).toBe(0);
    expect(shards.map((r) => r.json.ran)).toEqual([2, 2, 2]);
    expect(lines(join(dir, 'shard-1.jsonl')).map((l) => [l.cell, l.shard])).toEqual([[1, '1/3'], [4, '1/3']]);

    const merged = await cli('merge', ...[2, 0, 1].map((i) => join(dir, `shard-${i}.jsonl`)), '--out', join(dir, 'merged'));
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.json).toMatchObject({ cells: 6, measured: 6, missing: [] });
    const all = lines(join(dir, 'merged', 'results.jsonl'));
    const single = lines(join(dir, 'one.jsonl'));
    expect(all.map(stable)).toEqual(single.map(stable));
    // The lines are the studio report's points: every field there, the plan as the cell says, trained on the named data.
    expect(Object.keys(single[0])).toEqual(expect.arrayContaining(['id', 'kind', 'label', 'modelName', 'accuracy', 'metric', 'compactBytes', 'tfjsBytes', 'gzipBytes',
      'latencyMs', 'backend', 'dataset', 'preprocessing', 'plan', 'trainData', 'openedBytes', 'float32Bytes', 'ratios', 'samples', 'cell', 'shard']));
    expect(single[0].samples).toBe(200);
    expect(single[3]).toMatchObject({ id: 4, cell: 3, kind: 'sweep', modelName: 'LeNet-300-100 (MNIST)', label: 'prune 80 % · 4-bit · fine-tuned 1 epoch', trainData: 'mnist-train',
      plan: { prune: { ratio: 0.8 }, quantize: { bits: 4 }, finetune: { epochs: 1, limit: 256 } } });
    // Smaller with more pruning and fewer bits: the sizes are the exports' own.
    expect(single[5].compactBytes as number).toBeLessThan(single[3].compactBytes as number);
    expect(single[1].compactBytes as number).toBeLessThan(single[0].compactBytes as number);

    // The front: no merged point is better on both compact size and accuracy than a front point.
    const front = (JSON.parse(readFileSync(join(dir, 'merged', 'pareto.json'), 'utf8')) as { points: Record<string, number>[] }).points;
    expect(front.map((p) => p.cell)).toEqual(merged.json.front);
    for (const f of front) expect(all.some((p) => (p.compactBytes as number) < f.compactBytes && (p.accuracy as number) > f.accuracy)).toBe(false);
    expect(readFileSync(join(dir, 'merged', 'pareto.csv'), 'utf8').trim().split('\n')).toHaveLength(front.length + 1);
    expect(readFileSync(join(dir, 'merged', 'pareto.svg'), 'utf8').match(/data-role="point"/g)).toHaveLength(6);

    // The same command again: every cell of the shard is in its file, so nothing runs and the file stays as it was.
    const before = readFileSync(join(dir, 'shard-1.jsonl'), 'utf8');
    const again = await cli('sweep', ...args, '--shard', '1/3', '--out', join(dir, 'shard-1.jsonl'));
    expect(again.json).toMatchObject({ ran: 0, skipped: 2 });
    expect(readFileSync(join(dir, 'shard-1.jsonl'), 'utf8')).toBe(before);
    // A worker killed while writing leaves a cut line: the rerun drops it and measures that cell again.
    writeFileSync(join(dir, 'shard-1.jsonl'), before.slice(0, before.length - 40));
    const resumed = await cli('sweep', ...args, '--shard', '1/3', '--out', join(dir, 'shard-1.jsonl'));
    expect(resumed.json).toMatchObject({ ran: 1, skipped: 1 });
    expect(resumed.stderr).toMatch(/its last line was cut short; that cell is measured again/);
    expect(lines(join(dir, 'shard-1.jsonl')).map(stable)).toEqual(before.trim().split('\n').map((l) => stable(JSON.parse(l))));
  }, 90_000);

  it('usage errors exit 2 before any work; merge refuses two sweeps naming the files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-sweep-'));
    const base = [lenet, '--dataset', 'mnist-val', '--out', join(dir, 'r.jsonl')];
    const cases: [string[], RegExp][] = [
      [['--grid', 'prune=0,0.5', '--shard', '3/3'], /--shard 3\/3: the index must be below n \(0 to 2\)/],
      [['--grid', 'sparsity=0.5'], /unknown axis "sparsity"/],
      [['--grid', 'bits=8,4', '--bits', '8'], /--bits and --grid bits=… both set bits/],
      [['--grid', 'prune=0.5', '--finetune', '1'], /give --train <catalog id/],
      [['--grid', 'prune=0,0.5', '--score', 'bogus'], /--grid cell 1 \(prune=0\.5\): --score must be magnitude or taylor/],
    ];
    for (const [extra, message] of cases) {
      const r = await captureMain('sweep', ...base, ...extra);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    writeFileSync(join(dir, 'a.jsonl'), `${JSON.stringify({ modelName: 'A', dataset: 'mnist-val', metric: 'accuracy', accuracy: 0.9, compactBytes: 10, tfjsBytes: 40, gzipBytes: 9, latencyMs: 1, backend: 'wasm', cell: 0, cells: 2, grid: 'bits=8,4' })}\n`);
    writeFileSync(join(dir, 'b.jsonl'), `${JSON.stringify({ modelName: 'B', dataset: 'mnist-val', metric: 'accuracy', accuracy: 0.9, compactBytes: 10, tfjsBytes: 40, gzipBytes: 9, latencyMs: 1, backend: 'wasm', cell: 1, cells: 2, grid: 'bits=8,4' })}\n`);
    // A results file of another sweep as --out: refused, naming the file and line, before anything is measured.
    const other = await captureMain('sweep', lenet, '--grid', 'bits=8,4', '--dataset', 'mnist-val', '--limit', '50', '--out', join(dir, 'a.jsonl'));
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/--out .*a\.jsonl: line 1 is of another sweep \(A on mnist-val, grid "bits=8,4"/);
    expect(readFileSync(join(dir, 'a.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    const mixed = await captureMain('merge', join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), '--out', join(dir, 'm'));
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/b\.jsonl, line 1 is of another sweep than .*a\.jsonl, line 1: B on mnist-val/);
  });
});
