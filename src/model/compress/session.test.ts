/**
 * The studio's staged compression: sizes known without DEFLATE at once, the gzip and zip lengths
 * later (off the thread), and then exactly what one-go runCompression and the real files say.
 */
import { gzipSync } from 'fflate';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifacts, ROOT, useWasm } from '../../node/io';
import { gzip9 } from '../export';
import type { CompressionPlan } from '../plan';
import { partsFromArtifacts, type ModelParts } from '../weights';
import { compressUnmeasured, measureSizes, measureSizesOffThread, runCompression } from './session';

let parts: ModelParts;
const plan: CompressionPlan = { version: 1, prune: { ratio: 0.7, scope: 'global' }, quantize: { bits: 6 } };

describe('staged compression', () => {
  beforeAll(async () => {
    await useWasm();
    parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json')));
  });

  it('leaves only the DEFLATE-based sizes unknown (NaN)', () => {
    const staged = compressUnmeasured(parts, plan);
    const whole = runCompression(parts, plan);
    const { sizes, ...rest } = staged.summary;
    const { sizes: exact, ...wholeRest } = whole.summary;
    expect(rest).toEqual(wholeRest);
    expect(sizes.tfjs.raw).toBe(exact.tfjs.raw);
    expect(sizes.compact.raw).toBe(exact.compact.raw);
    expect([sizes.tfjs.gzip, sizes.tfjs.zip, sizes.compact.gzip, ...sizes.tfjs.files.map((f) => f.gzipBytes)].every(Number.isNaN)).toBe(true);
    expect(staged.compact).toEqual(whole.compact);
  });

  it('measures, on or off the thread, the lengths of the real gzip and zip files', async () => {
    const staged = compressUnmeasured(parts, plan);
    const off = await measureSizesOffThread(staged).promise;
    const on = measureSizes(staged);
    expect(off).toEqual(on);
    expect(on.tfjs.zip).toBe(staged.tfjs.zip().length);
    expect(on.tfjs.files.map((f) => f.gzipBytes)).toEqual(staged.tfjs.files.map((f) => gzip9(f.bytes).length));
    expect(on.tfjs.gzip).toBe(on.tfjs.files.reduce((a, f) => a + f.gzipBytes, 0));
    expect(on.compact.gzip).toBe(gzipSync(staged.compact, { level: 9 }).length);
  });
});

describe('the layer table', () => {
  beforeAll(async () => { await useWasm(); });

  it('says which layers cross-layer equalization paired and which BatchNorm it folded in', () => {
    const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'fashion-cnn', 'model.json')));
    const rows = compressUnmeasured(parts, { version: 1, quantize: { bits: 4, equalize: 'cle' } }).summary.layers;
    expect(rows.find((r) => r.name === 'conv1')?.structure).toBe('equalized with dw2, bn1 folded in');
    expect(rows.find((r) => r.name === 'fc1')?.structure).toBe('equalized with fc2');
    expect(rows.some((r) => r.name.startsWith('bn'))).toBe(false);
  });
});
