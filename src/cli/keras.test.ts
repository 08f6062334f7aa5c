// The CLI takes Keras files wherever it takes a model.json (compress, eval), and converts them to
// plain TF.js files (convert) — through the same checks, refusing bad files before writing anything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { k3, k3Sequential, keras3WeightsH5, keras3Zip, w } from '../model/keras/fixtures';
import { ROOT, useWasm } from '../node/io';
import { captureMain } from './captureMain';

const fixtures = join(ROOT, 'src', 'model', 'keras', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'cs-keras-'));

const run = captureMain;

beforeAll(async () => { await useWasm(); });
afterEach(() => { vi.restoreAllMocks(); });

describe('Keras files in the CLI', () => {
  it('eval reads each real Keras file (the entry point itself, as a user runs it)', () => {
    const cases = [['mnist-cnn-keras3.keras', 0.998, 'keras3-zip', '3.14.0'], ['mnist-mlp-keras3-legacy.h5', 0.9705, 'hdf5', '3.14.0'], ['mnist-cnn-keras2.h5', 0.995, 'hdf5', '2.1.6']] as const;
    for (const [file, accuracy, format, kerasVersion] of cases) {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'compression-studio.js'), 'eval', join(fixtures, file), '--dataset', 'mnist-val'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop() as string);
      expect(json.accuracy).toBe(accuracy);
      expect(json.count).toBe(2000);
      expect(json.source).toEqual({ format, kerasVersion, bytes: statSync(join(fixtures, file)).size });
    }
  });

  it('convert writes a plain TF.js layers model that eval scores the same', async () => {
    const out = join(tmp, 'converted');
    const c = await run('convert', join(fixtures, 'mnist-cnn-keras3.keras'), '--out', out);
    expect(c.code, c.stderr).toBe(0);
    expect(c.json.files.map((f: { name: string }) => f.name)).toEqual(['model.json', 'weights.bin']);
    expect(c.json.files[1].bytes).toBe(statSync(join(out, 'weights.bin')).size);
    expect(c.json.params).toBe(225034);
    expect(c.json.source).toMatchObject({ format: 'keras3-zip', kerasVersion: '3.14.0' });
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.weightsManifest[0].weights[0]).toEqual({ name: 'conv2d/kernel', shape: [3, 3, 1, 32], dtype: 'float32' });
    const e = await run('eval', join(out, 'model.json'), '--dataset', 'mnist-val', '--limit', '1000');
    expect(e.code).toBe(0);
    expect(e.json.count).toBe(1000);
    const k = await run('eval', join(fixtures, 'mnist-cnn-keras3.keras'), '--dataset', 'mnist-val', '--limit', '1000');
    expect(e.json.accuracy).toBe(k.json.accuracy);
    expect(e.json.bytes).toBe(k.json.bytes);
  });

  it('compress takes a .h5 like a model.json; one ratio against the .h5 opened (optimizer state and all), one against the float32 files', async () => {
    const out = join(tmp, 'compressed');
    const c = await run('compress', join(fixtures, 'mnist-cnn-keras2.h5'), '--prune', '0.5', '--bits', '8', '--format', 'tfjs', '--out', out);
    expect(c.code, c.stderr).toBe(0);
    const converted = await run('convert', join(fixtures, 'mnist-cnn-keras2.h5'), '--out', join(tmp, 'k2'));
    // float32: the converted TF.js files, give or take their model.json's wording.
    expect(Math.abs(c.json.float32Bytes / converted.json.bytes - 1)).toBeLessThan(0.01);
    expect(c.json.openedBytes).toBe(statSync(join(fixtures, 'mnist-cnn-keras2.h5')).size);
    expect(c.json.ratioVsOpened).toBeCloseTo(c.json.openedBytes / c.json.bytes, 3);
    expect(c.json.ratioVsFloat32).toBeCloseTo(c.json.float32Bytes / c.json.bytes, 3);
    const e = await run('eval', join(out, 'model.json'), '--dataset', 'mnist-val');
    expect(e.code).toBe(0);
    expect(e.json.accuracy).toBeGreaterThan(0.98);
  });

  it('convert a weights-only .weights.h5 with --config', async () => {
    const config = k3Sequential([null, 2], [k3('Dense', 'fc', { units: 1, activation: 'linear', use_bias: true })]);
    const weights = join(tmp, 'model.weights.h5');
    writeFileSync(weights, await keras3WeightsH5({ 'layers/dense': [w([2, 1], (i) => i + 1), w([1], () => 0.5)] }));
    const configPath = join(tmp, 'config.json');
    writeFileSync(configPath, JSON.stringify(config));
    const alone = await run('convert', weights, '--out', join(tmp, 'wo'));
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/^error: model\.weights\.h5: holds only weights \(no model_config\)/);
    const c = await run('convert', weights, '--config', configPath, '--out', join(tmp, 'wo'));
    expect(c.code, c.stderr).toBe(0);
    expect(Array.from(new Float32Array(new Uint8Array(readFileSync(join(tmp, 'wo', 'weights.bin'))).buffer))).toEqual([1, 2, 0.5]);
  });

  it('refuses bad Keras files and arguments before writing anything', async () => {
    const lambda = join(tmp, 'lambda.keras');
    writeFileSync(lambda, await keras3Zip(k3Sequential([null, 4], [k3('Lambda', 'double_it', {})]), {}));
    const out = join(tmp, 'never');
    const l = await run('convert', lambda, '--out', out);
    expect(l.code).toBe(1);
    expect(l.stderr).toMatch(/^error: lambda\.keras: layer "double_it" \(Lambda\): a Lambda layer holds Python code/);
    const cut = join(tmp, 'cut.h5');
    writeFileSync(cut, readFileSync(join(fixtures, 'mnist-cnn-keras2.h5')).subarray(0, 100_000));
    for (const args of [['convert', cut, '--out', out], ['eval', cut, '--dataset', 'mnist-val'], ['compress', cut, '--bits', '8', '--out', out]]) {
      const r = await run(...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: cut\.h5: is truncated: it holds 100,000 bytes, but its HDF5 header says 575,480/);
    }
    expect(existsSync(out)).toBe(false);
    const json = await run('convert', join(ROOT, 'public', 'models', 'lenet-5', 'model.json'), '--out', out);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/convert reads Keras files \(\.keras, \.h5, \.hdf5\), got "model\.json"; a model\.json is already a TF\.js model/);
    const noOut = await run('convert', join(fixtures, 'mnist-cnn-keras2.h5'));
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/convert needs --out <dir>/);
    const missing = await run('eval', join(tmp, 'nope.keras'), '--dataset', 'mnist-val');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.keras: no such file/);
  });
});
