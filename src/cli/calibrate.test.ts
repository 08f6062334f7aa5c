// The CLI's post-training calibration on data: the same bytes as the studio's worker for the same
// plan and data, a JSON line naming each layer's calibration, and refusals that say what to give.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetCatalog, ROOT, useWasm } from '../node/io';
import { servePublic, type PublicServer } from '../node/publicServer';
import type { DatasetEntry } from '../model/dataset';
import { createStudio } from '../runtime/studio';
import { captureMain } from './captureMain';

const modelDir = join(ROOT, 'public', 'models', 'lenet-300-100');
const lenet = join(modelDir, 'model.json');
const tmp = mkdtempSync(join(tmpdir(), 'cs-calibrate-'));

describe('compress --calibrate', () => {
  let server: PublicServer;
  beforeAll(async () => {
    await useWasm();
    server = await servePublic();
  });
  afterAll(() => server.close());

  it("writes the studio's bytes for the same plan and data, and lists each layer's calibration", async () => {
    const cli = await captureMain('compress', lenet, '--prune', '0.8', '--bits', '4', '--granularity', 'channel', '--scheme', 'symmetric',
      '--calibration', 'output', '--calibrate', 'mnist-train', '--format', 'compact', '--out', join(tmp, 'cli'));
    expect(cli.code).toBe(0);
    const line = JSON.parse(cli.stdout) as { plan: unknown; calibrated: { layer: string; method: string; outputMse: { minmax: number; final: number } }[] };
    expect(line.plan).toEqual({ version: 1, prune: { ratio: 0.8, scope: 'global' }, quantize: { bits: 4, granularity: 'channel', scheme: 'symmetric', calibrate: 'output' } });
    expect(line.calibrated.map((c) => [c.layer, c.method])).toEqual([['fc1', 'output'], ['fc2', 'output'], ['fc3', 'output']]);
    for (const c of line.calibrated) expect(c.outputMse.final).toBeLessThanOrEqual(c.outputMse.minmax);
    const studio = createStudio();
    await studio.init('wasm');
    const file = (name: string) => {
      const b = readFileSync(join(modelDir, name));
      return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
    };
    await studio.loadModel({ kind: 'files', name: 'lenet', files: [file('model.json'), file('weights.bin')] });
    const [val, train] = ['mnist-val', 'mnist-train'].map((id) => datasetCatalog().find((e) => e.id === id) as DatasetEntry);
    const done = await studio.compress(1, line.plan as never, { entry: { ...train, scale: val.scale, mean: val.mean, std: val.std }, baseUrl: server.base });
    expect(done.type).toBe('done');
    const exported = await studio.exportModel('compact', 1);
    const written = new Uint8Array(readFileSync(join(tmp, 'cli', 'model.cstu')));
    expect(Buffer.compare(written, exported.bytes)).toBe(0);
  });

  it('refuses calibration on data without data, data without such a calibration, and both --train and --calibrate', async () => {
    const out = ['--format', 'compact', '--out', join(tmp, 'x')];
    const none = await captureMain('compress', lenet, '--bits', '4', '--calibration', 'adaround', ...out);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--calibration adaround measures the model on calibration data: give --calibrate <catalog id \| entry\.json \| image folder>/);
    const extra = await captureMain('compress', lenet, '--bits', '4', '--calibration', 'mse', '--calibrate', 'mnist-train', ...out);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/--calibrate is the data of --calibration output \| adaround/);
    const recovering = await captureMain('compress', lenet, '--bits', '4', '--distill', '1', '--train', 'mnist-train', '--calibrate', 'mnist-train', ...out);
    expect(recovering.code).toBe(2);
    expect(recovering.stderr).toMatch(/a recovery trains on --train instead/);
    const missing = await captureMain('compress', lenet, '--bits', '4', '--calibrate', join(tmp, 'nowhere'), ...out);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--calibrate .*nowhere/);
  });
});
