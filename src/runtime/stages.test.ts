/**
 * The worker's stage view (createStudio().stages, called in Node): the coded stage's bytes are
 * the compact download's length, coding keeps the accuracy, progress runs to 1, the original's
 * accuracy is the evaluation's, a plan that is not the one held is refused, a cancel is honoured.
 * Prints every stage (the README's figures: `npx vitest run src/runtime/stages.test.ts`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetEntry } from '../model/dataset';
import type { ModelFile } from '../model/modelFiles';
import { PRESETS } from '../model/presets';
import { datasetCatalog, ROOT, useWasm } from '../node/io';
import { servePublic, type PublicServer } from '../node/publicServer';
import type { StagesResult } from './protocol';
import { createStudio } from './studio';

const file = (id: string, name: string): ModelFile => {
  const b = readFileSync(join(ROOT, 'public', 'models', id, name));
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};
const entry = (id: string) => datasetCatalog().find((e) => e.id === id) as DatasetEntry;
const LIMIT = 2000;

const show = (model: string, preset: string, r: StagesResult) => console.log([`${model} · ${preset} (top-1 on ${r.count} ${r.dataset})`,
  ...r.stages.map((s) => `  ${s.name.padEnd(10)} ${String(s.bytes).padStart(8)} B ${s.ratio.toFixed(1).padStart(5)}× ${(s.accuracy * 100).toFixed(2)} % [${s.model}] ${s.what}`)].join('\n'));

describe('studio.stages', () => {
  let server: PublicServer;
  beforeAll(async () => {
    await useWasm();
    server = await servePublic(new Map());
  });
  afterAll(() => server.close());

  it.each([
    ['lenet-300-100', 'Deep Compression, no retraining'], ['lenet-300-100', 'Prune 70 % + 4-bit, calibrated'],
    ['lenet-5', 'Deep Compression, no retraining'], ['lenet-5', 'Prune 70 % + 4-bit, calibrated'],
  ])('%s, %s: the coded stage is the compact download; coding keeps the accuracy', async (id, preset) => {
    const studio = createStudio();
    await studio.init('wasm');
    await studio.loadModel({ kind: 'files', name: id, files: [file(id, 'model.json'), file(id, 'weights.bin')] });
    const plan = PRESETS[preset];
    const done = await studio.compress(1, plan, { entry: entry('mnist-train'), baseUrl: server.base });
    expect(done.type).toBe('done');
    const fractions: number[] = [];
    const r = await studio.stages(2, plan, entry('mnist-val'), server.base, { limit: LIMIT }, (p) => fractions.push(p.fraction)) as StagesResult;
    show(id, preset, r);
    const download = await studio.exportModel('compact', 1);
    const [original, ...rest] = r.stages;
    const coded = rest[rest.length - 1];
    expect(r.stages.map((s) => s.id)).toEqual(['original', 'pruned', 'quantized', 'coded']);
    expect(coded.bytes).toBe(download.bytes.length);
    expect(coded.accuracy).toBe(rest[rest.length - 2].accuracy);
    for (const [i, s] of rest.entries()) expect(s.saved).toBe(r.stages[i].bytes - s.bytes);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions[fractions.length - 1]).toBe(1);
    const base = await studio.evaluate(3, entry('mnist-val'), server.base, { limit: LIMIT, latencyRuns: 1 }, () => {});
    expect(base.type === 'done' && base.accuracy).toBe(original.accuracy);
  }, 120_000);

  it('refuses a plan that is not the compression held, and honours a cancel', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    await studio.loadModel({ kind: 'files', name: 'lenet', files: [file('lenet-300-100', 'model.json'), file('lenet-300-100', 'weights.bin')] });
    const plan = { version: 1 as const, prune: { ratio: 0.5 }, quantize: { bits: 6 } };
    await expect(studio.stages(1, plan, entry('mnist-val'), server.base, {}, () => {})).rejects.toThrow(/not this plan/);
    await studio.compress(2, plan);
    await expect(studio.stages(3, { ...plan, quantize: { bits: 5 } }, entry('mnist-val'), server.base, {}, () => {})).rejects.toThrow(/not this plan/);
    const cancelled = await studio.stages(4, plan, entry('mnist-val'), server.base, { limit: 500 }, (p) => { if (p.fraction > 0) studio.cancel(4); });
    expect(cancelled).toBeUndefined();
  }, 60_000);
});
