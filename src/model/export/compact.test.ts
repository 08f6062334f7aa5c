import { join } from 'node:path';
import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifacts, ROOT, useWasm } from '../../node/io';
import { crc32, encodedTensorBytes } from '../../core';
import { partsFromArtifacts, type CompressedModel, type ModelParts } from '../weights';
import { compactBytes, decodeCompact, encodeCompact, encodeCompactSized } from './compact';
import { FLAG_HEADER_DEFLATE, parseCompactHeader } from './compactFormat';
import { compressMix, compressTensor, MIX_KINDS } from './fixtures';

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const u16 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint16(at, true);

const tiny: CompressedModel = {
  topology: { a: 1 },
  tensors: [compressTensor({ name: 'd/bias', shape: [2], values: Float32Array.from([1, 2]) }, 'float32')],
};

let lenet: ModelParts;
beforeAll(async () => {
  await useWasm();
  lenet = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json')));
});

describe('encodeCompact', () => {
  it('hand example: the byte layout of a one-tensor model', () => {
    const bytes = encodeCompact(tiny);
    const json = new TextEncoder().encode(JSON.stringify({
      format: 'compression-studio-compact', version: 1, generatedBy: 'Compression Studio', modelTopology: { a: 1 }, tensors: [{ name: 'd/bias', layer: 'd', shape: [2] }],
    }));
    const deflated = deflateSync(json, { level: 9 }).length < json.length;
    const h = deflated ? deflateSync(json, { level: 9 }).length : json.length;
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('CSTU');
    expect(u16(bytes, 4)).toBe(1);
    expect(u16(bytes, 6)).toBe(deflated ? FLAG_HEADER_DEFLATE : 0);
    expect(u32(bytes, 8)).toBe(bytes.length);
    expect(u32(bytes, 12)).toBe(h);
    // float32 record, dense: 9 + 4·rank + 2·4 = 21 bytes, starting with its length
    expect(u32(bytes, 16 + h)).toBe(21);
    expect(bytes.length).toBe(16 + h + 21 + 4);
    expect(u32(bytes, bytes.length - 4)).toBe(crc32(bytes.subarray(0, bytes.length - 4)));
    expect(parseCompactHeader(bytes.subarray(16, 16 + h), u16(bytes, 6)).tensors).toEqual([{ name: 'd/bias', layer: 'd', shape: [2] }]);
    expect(compactBytes(tiny)).toEqual({ total: bytes.length, header: 16 + h, perTensor: [21] });
    expect(decodeCompact(bytes)).toEqual({ topology: { a: 1 }, weights: [{ name: 'd/bias', shape: [2], values: Float32Array.from([1, 2]) }] });
  });

  it('compactBytes equals the encoded length for every payload kind, without encoding', () => {
    for (const kind of MIX_KINDS) {
      const model = compressMix(lenet, () => kind, 0.6);
      const size = compactBytes(model);
      const bytes = encodeCompact(model);
      expect(size.total).toBe(bytes.length);
      expect(size.perTensor).toEqual(model.tensors.map((t) => encodedTensorBytes(t.payload)));
      // the sized encoder reports the same figures for the same bytes
      const sized = encodeCompactSized(model);
      expect(sized.size).toEqual(size);
      expect(Buffer.from(sized.bytes).equals(Buffer.from(bytes))).toBe(true);
      expect(u16(bytes, 6)).toBe(FLAG_HEADER_DEFLATE); // a real topology always deflates smaller
      const back = decodeCompact(bytes.slice().buffer);
      back.weights.forEach((w, i) => expect(Buffer.from(w.values.buffer).equals(Buffer.from(model.tensors[i].values.buffer))).toBe(true));
    }
  });

  it('reports each tensor record as it encodes it (fraction i / n, rising), and writes the same bytes', () => {
    const model = compressMix(lenet, () => 'codebook', 0.8);
    const events: [number, string][] = [];
    const heard = encodeCompactSized(model, { onStep: (f, m) => events.push([f, m]) }).bytes;
    expect(heard).toEqual(encodeCompact(model));
    expect(events).toHaveLength(model.tensors.length);
    events.forEach(([f, m], i) => {
      expect(f).toBe(i / model.tensors.length);
      expect(m).toBe(`Encoding ${model.tensors[i].name} (${i + 1}/${model.tensors.length})`);
    });
  });

  it('is deterministic', () => {
    const model = compressMix(lenet, () => 'codebook', 0.8);
    expect(Buffer.from(encodeCompact(model)).equals(Buffer.from(encodeCompact(model)))).toBe(true);
  });

  it('refuses a payload that does not reproduce its values, or whose shape differs', () => {
    const t = compressTensor({ name: 'd/kernel', shape: [2, 2], values: Float32Array.from([-1, 0, 1, 2]) }, 'affine8');
    const wrong = { ...t, values: t.values.map((v, i) => (i === 3 ? v + 0.5 : v)) };
    expect(() => encodeCompact({ topology: {}, tensors: [wrong] })).toThrow(/payload of "d\/kernel" decodes element 3 to 2\.\d+, but its values say 2\.\d+/);
    expect(() => encodeCompact({ topology: {}, tensors: [{ ...t, shape: [4] }] })).toThrow(/"d\/kernel" has shape \[4\] but its payload has \[2, 2\]/);
    expect(() => compactBytes({ topology: {}, tensors: [{ ...t, shape: [4] }] })).toThrow(/but its payload has/);
  });

  it('an empty model is 16 bytes + header + CRC and decodes to no weights', () => {
    const bytes = encodeCompact({ topology: {}, tensors: [] });
    expect(bytes.length).toBe(compactBytes({ topology: {}, tensors: [] }).total);
    expect(decodeCompact(bytes)).toEqual({ topology: {}, weights: [] });
  });
});
