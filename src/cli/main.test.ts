import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../node/io';

/** Runs the real CLI entry (bin/compression-studio.js) as a user would. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'compression-studio.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('{'));
  return { code: r.status, json: lines.length ? JSON.parse(lines[lines.length - 1]) : undefined, stderr: r.stderr };
}

const lenet = join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json');

describe('compression-studio CLI', () => {
  const out = mkdtempSync(join(tmpdir(), 'cs-cli-'));

  it('compress → compact file whose size and accuracy eval reproduces', () => {
    const c = cli('compress', lenet, '--prune', '0.8', '--clusters', '16', '--format', 'compact', '--out', join(out, 'c'));
    expect(c.code).toBe(0);
    expect(c.json.files[0].name).toBe('model.cstu');
    expect(c.json.bytes).toBe(statSync(join(out, 'c', 'model.cstu')).size);
    expect(c.json.ratioVsFloat32).toBeGreaterThan(10);
    // A float32 original: the files opened are its float32 files, give or take the model.json.
    expect(Math.abs(c.json.openedBytes / c.json.float32Bytes - 1)).toBeLessThan(0.01);
    expect(c.json.sparsity).toBeGreaterThanOrEqual(0.79);
    const e = cli('eval', join(out, 'c', 'model.cstu'), '--dataset', 'mnist-val');
    expect(e.code).toBe(0);
    expect(e.json.bytes).toBe(c.json.bytes);
    expect(e.json.accuracy).toBeGreaterThan(0.85);
    expect(e.json.count).toBe(2000);
    expect(Object.keys(e.json)).toEqual(expect.arrayContaining(['accuracy', 'loss', 'bytes', 'gzipBytes', 'latencyMs']));
  });

  it('compress → TF.js files (uint8 manifest) with a plan file; eval reads them back', () => {
    const planPath = join(out, 'plan.json');
    writeFileSync(planPath, JSON.stringify({ version: 1, quantize: { bits: 8 }, layers: { fc3: { exclude: true } } }));
    const c = cli('compress', lenet, '--plan', planPath, '--format', 'tfjs', '--out', join(out, 't'), '--zip');
    expect(c.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 't', 'model.json'), 'utf8')).weightsManifest[0].weights;
    expect(manifest.find((w: { name: string }) => w.name === 'fc1/kernel').quantization.dtype).toBe('uint8');
    expect(manifest.find((w: { name: string }) => w.name === 'fc3/kernel').quantization).toBeUndefined();
    expect(existsSync(join(out, 't', 'model.zip'))).toBe(true);
    const e = cli('eval', join(out, 't', 'model.json'), '--dataset', 'mnist-val', '--limit', '500');
    expect(e.code).toBe(0);
    expect(e.json.count).toBe(500);
    expect(e.json.bytes).toBe(c.json.bytes);
  });

  it('a TF.js graph model: compress (structural flags skipped with a note) and eval both exports', () => {
    const graph = join(ROOT, 'public', 'models', 'lenet-5-graph', 'model.json');
    const t = cli('compress', graph, '--bits', '8', '--rank', '0.5', '--format', 'tfjs', '--out', join(out, 'g'));
    expect(t.code).toBe(0);
    expect(t.json.modelFormat).toBe('graph-model');
    expect(t.json.skipped).toEqual([expect.stringMatching(/^low-rank skipped: it needs a TF\.js layers model/)]);
    expect(t.stderr).toMatch(/note: low-rank skipped/);
    const written = JSON.parse(readFileSync(join(out, 'g', 'model.json'), 'utf8'));
    expect(written.format).toBe('graph-model');
    expect(written.weightsManifest[0].weights.filter((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'uint8').length).toBe(4);
    expect(t.json.ratioVsFloat32).toBeGreaterThan(3.5);
    const te = cli('eval', join(out, 'g', 'model.json'), '--dataset', 'mnist-val', '--limit', '500');
    expect(te.code).toBe(0);
    expect(te.json.bytes).toBe(t.json.bytes);
    expect(te.json.accuracy).toBeGreaterThan(0.95);
    const c = cli('compress', graph, '--prune', '0.8', '--clusters', '16', '--format', 'compact', '--out', join(out, 'gc'));
    expect(c.code).toBe(0);
    const ce = cli('eval', join(out, 'gc', 'model.cstu'), '--dataset', 'mnist-val', '--limit', '500');
    expect(ce.code).toBe(0);
    expect(ce.json.bytes).toBe(c.json.bytes);
    expect(ce.json.accuracy).toBeGreaterThan(0.95);
  });

  it('a uint8 model.json: ratios against the files opened, not float32; a larger export is said on stderr', () => {
    const u8 = cli('compress', lenet, '--bits', '8', '--format', 'tfjs', '--out', join(out, 'u8'));
    expect(u8.code).toBe(0);
    const opened = join(out, 'u8', 'model.json');
    const onDisk = u8.json.files.reduce((a: number, f: { name: string }) => a + statSync(join(out, 'u8', f.name)).size, 0);
    // Compress the uint8 model again: pruning, then 8 bits again.
    const again = cli('compress', opened, '--prune', '0.5', '--bits', '8', '--format', 'compact', '--out', join(out, 'u8c'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.openedBytes).toBe(onDisk);
    expect(again.json.float32Bytes).toBeGreaterThan(3.5 * again.json.openedBytes);
    expect(again.json.ratioVsOpened).toBeCloseTo(again.json.openedBytes / again.json.bytes, 3);
    expect(again.json.ratioVsOpened).toBeLessThan(again.json.ratioVsFloat32);
    expect(again.json.ratioVsFloat32 / again.json.ratioVsOpened).toBeCloseTo(again.json.float32Bytes / again.json.openedBytes, 2);
    // No compression, written as TF.js: every weight float32 again, so larger than the uint8 files opened, and said so.
    const plain = cli('compress', opened, '--format', 'tfjs', '--out', join(out, 'u8t'));
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.json.bytes).toBe(plain.json.float32Bytes);
    expect(plain.json.ratioVsOpened).toBeLessThan(0.3);
    expect(plain.stderr).toContain(`note: the TF.js files ${(plain.json.bytes / plain.json.openedBytes).toFixed(2)}× larger than the files you opened (${plain.json.openedBytes} bytes)`);
    expect(again.stderr).not.toMatch(/larger than the files you opened/);
  });

  it('compress with fine-tuning on a training split wins back what pruning cost', () => {
    const plain = cli('compress', lenet, '--prune', '0.97', '--format', 'compact', '--out', join(out, 'p'));
    const planPath = join(out, 'ft.json');
    writeFileSync(planPath, JSON.stringify({ version: 1, prune: { ratio: 0.97 }, finetune: { epochs: 1, limit: 2000, learningRate: 0.001 } }));
    const tuned = cli('compress', lenet, '--plan', planPath, '--train', 'mnist-train', '--format', 'compact', '--out', join(out, 'ft'));
    expect(tuned.code).toBe(0);
    expect(tuned.stderr).toMatch(/fine-tuning: epoch 1\/1 \(32\/32 steps\)/);
    expect(tuned.json.plan.finetune.epochs).toBe(1);
    const [a, b] = [cli('eval', join(out, 'p', 'model.cstu'), '--dataset', 'mnist-val'), cli('eval', join(out, 'ft', 'model.cstu'), '--dataset', 'mnist-val')];
    expect(b.json.accuracy).toBeGreaterThan(a.json.accuracy + 0.02);
    expect(plain.json.sparsity).toBeCloseTo(tuned.json.sparsity, 3);
    const noTrain = cli('compress', lenet, '--finetune', '2', '--out', join(out, 'n'));
    expect(noTrain.code).toBe(2);
    expect(noTrain.stderr).toMatch(/needs --train <catalog id \| entry.json>/);
  });

  it('bad arguments and files: a clear message and a non-zero exit', () => {
    expect(cli().code).toBe(2);
    const unknown = cli('compres', lenet);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "compres"/);
    const badRatio = cli('compress', lenet, '--prune', '1.5', '--out', join(out, 'x'));
    expect(badRatio.code).toBe(1);
    expect(badRatio.stderr).toMatch(/prune\.ratio must be in \[0, 0\.99\]/);
    const missing = cli('eval', join(out, 'nope.json'), '--dataset', 'mnist-val');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.json: no such file/);
    writeFileSync(join(out, 'broken.cstu'), new Uint8Array([67, 83, 84, 85, 1, 0, 0, 0, 9, 9]));
    const corrupt = cli('eval', join(out, 'broken.cstu'), '--dataset', 'mnist-val');
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/compact file: /);
    const noDataset = cli('eval', lenet, '--dataset', 'imagenet');
    expect(noDataset.code).toBe(2);
    expect(noDataset.stderr).toMatch(/not in the catalog/);
  });
});
