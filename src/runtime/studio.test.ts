/**
 * The worker's API, called directly in Node (createStudio has no worker globals): loading keeps
 * the previous model on failure, cancellation and superseded compressions report 'cancelled',
 * and exports come only from the compression that was measured.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetCatalog, ROOT, useWasm } from '../cli/io';
import type { DatasetEntry } from '../model/dataset';
import type { ModelFile } from '../model/modelFiles';
import { createStudio } from './studio';
import type { EvalOutcome, ProgressEvent } from './protocol';

const file = (id: string, name: string): ModelFile => {
  const b = readFileSync(join(ROOT, 'public', 'models', id, name));
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};

describe('createStudio', () => {
  let server: Server;
  let base: string;
  let val: DatasetEntry;
  beforeAll(async () => {
    await useWasm();
    server = createServer((req, res) => {
      try {
        res.end(readFileSync(join(ROOT, 'public', decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    val = datasetCatalog().find((e) => e.id === 'mnist-val') as DatasetEntry;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('evaluates, keeps the previous model when a load fails, and cancels on request', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    const info = await studio.loadModel({ kind: 'files', name: 'lenet', files: [file('lenet-300-100', 'model.json'), file('lenet-300-100', 'weights.bin')] });
    expect(info.compact.raw).toBeGreaterThan(1_000_000);
    await expect(studio.loadModel({ kind: 'files', name: 'broken', files: [file('lenet-300-100', 'model.json')] })).rejects.toThrow(/weights\.bin/);
    const fractions: number[] = [];
    const done = await studio.evaluate(1, val, base, { latencyRuns: 3 }, (p: ProgressEvent) => fractions.push(p.fraction));
    expect(done.type === 'done' && done.accuracy).toBeCloseTo(0.976, 3);
    expect(fractions[fractions.length - 1]).toBe(1);
    const running = studio.evaluate(2, val, base, { batchSize: 100 }, (p) => { if (p.phase === 'accuracy') studio.cancel(2); });
    expect(await running).toEqual<EvalOutcome>({ type: 'cancelled', job: 2 });
  });

  it('a newer compression supersedes a queued one; exports come from the measured job only', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    await studio.loadModel({ kind: 'files', name: 'lenet', files: [file('lenet-300-100', 'model.json'), file('lenet-300-100', 'weights.bin')] });
    const first = studio.compress(10, { version: 1, prune: { ratio: 0.5 } });
    const second = studio.compress(11, { version: 1, prune: { ratio: 0.9 }, quantize: { bits: 8 } });
    expect((await first).type).toBe('cancelled');
    const measured = await second;
    if (measured.type !== 'done') throw new Error('second compression was cancelled');
    expect(measured.summary.sparsity).toBeGreaterThan(0.85);
    await expect(studio.exportModel('compact', 10)).rejects.toThrow(/not the one held/);
    const compact = await studio.exportModel('compact', 11);
    expect(compact.bytes.length).toBe(measured.summary.sizes.compact.raw);
    const zip = await studio.exportModel('tfjs-zip', 11);
    expect(zip.bytes.length).toBe(measured.summary.sizes.tfjs.zip);
    const ev = await studio.evaluate(12, val, base, { latencyRuns: 1 }, () => {}, 'compressed');
    expect(ev.type === 'done' && ev.accuracy).toBeGreaterThan(0.5);
    studio.clearCompression();
    await expect(studio.exportModel('compact', 11)).rejects.toThrow(/nothing is compressed/);
  });
});
