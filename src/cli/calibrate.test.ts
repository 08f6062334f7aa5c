// The CLI's post-training calibration on data: the same bytes as the studio's worker for the same
// plan and data, a JSON line naming each layer's calibration, and refusals that say what to give.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, useWasm } from '../node/io';
import { servePublic, type PublicServer } from '../node/publicServer';
import type { CompressionPlan } from '../model/plan';
import { captureMain } from './captureMain';
import { studioCompactExport } from './studioExport';

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
    const line = cli.json as { plan: unknown; calibrated: { layer: string; method: string; outputMse: { minmax: number; final: number } }[] };
    expect(line.plan).toEqual({ version: 1, prune: { ratio: 0.8, scope: 'global' }, quantize: { bits: 4, granularity: 'channel', scheme: 'symmetric', calibrate: 'output' } });
    expect(line.calibrated.map((c) => [c.layer, c.method])).toEqual([['fc1', 'output'], ['fc2', 'output'], ['fc3', 'output']]);
    for (const c of line.calibrated) expect(c.outputMse.final).toBeLessThanOrEqual(c.outputMse.minmax);
    const exported = await studioCompactExport(modelDir, line.plan as CompressionPlan, server.base);
    const written = new Uint8Array(readFileSync(join(tmp, 'cli', 'model.cstu')));
    expect(Buffer.compare(written, exported)).toBe(0);
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
