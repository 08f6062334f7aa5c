import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifacts, readDataset, ROOT, useWasm } from '../../node/io';
import { imagesToTensor } from '../datasetTensor';
import { modelFromParts, partsFromArtifacts, type CompressedModel } from '../weights';
import { encodeCompact } from './compact';
import { compressMix } from './fixtures';
import { loadCompressedModel } from './loadCompressedModel';

let model: CompressedModel;
let bytes: Uint8Array;
let x: tf.Tensor;
let reference: Float32Array;
let server: Server;
let base: string;

async function predict(m: tf.LayersModel): Promise<Float32Array> {
  const y = m.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  y.dispose();
  m.dispose();
  return out;
}

beforeAll(async () => {
  await useWasm();
  const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'lenet-5', 'model.json')));
  model = compressMix(parts, (i) => (['affine8', 'codebook', 'float16', 'affine4'] as const)[i], 0.8);
  bytes = encodeCompact(model);
  x = imagesToTensor(readDataset('mnist', 'val'), 0, 50);
  reference = await predict(await modelFromParts({ topology: model.topology, weights: model.tensors }));
  server = createServer((req, res) => {
    if (req.url === '/lenet.cstu') res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(bytes);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('loadCompressedModel', () => {
  it('loads from a Uint8Array and from an ArrayBuffer, predicting exactly as the compressed model', async () => {
    expect(await predict(await loadCompressedModel(bytes))).toEqual(reference);
    expect(await predict(await loadCompressedModel(bytes.slice().buffer))).toEqual(reference);
  });

  it('loads from an http URL, a data: URL and a blob: URL', async () => {
    expect(await predict(await loadCompressedModel(`${base}/lenet.cstu`))).toEqual(reference);
    const dataUrl = `data:application/octet-stream;base64,${Buffer.from(bytes).toString('base64')}`;
    expect(await predict(await loadCompressedModel(dataUrl))).toEqual(reference);
    const blobUrl = URL.createObjectURL(new Blob([bytes.slice()]));
    expect(await predict(await loadCompressedModel(blobUrl))).toEqual(reference);
    URL.revokeObjectURL(blobUrl);
  });

  it('rejects a missing URL, an unreachable host and a corrupt file with clear messages', async () => {
    await expect(loadCompressedModel(`${base}/missing.cstu`)).rejects.toThrow(/loadCompressedModel: fetching http:\/\/127\.0\.0\.1:\d+\/missing\.cstu failed with HTTP 404/);
    await expect(loadCompressedModel('http://127.0.0.1:1/x.cstu')).rejects.toThrow(/loadCompressedModel: could not fetch/);
    const bad = bytes.slice();
    bad[bad.length >> 1] ^= 1;
    await expect(loadCompressedModel(bad)).rejects.toThrow(/compact file: checksum mismatch/);
  });
});
