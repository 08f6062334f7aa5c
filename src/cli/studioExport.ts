/**
 * For the CLI's "same bytes as the studio" tests (Node only): the studio worker's own compact
 * export of a bundled model compressed by a plan, trained or calibrated on a bundled split.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetCatalog } from '../node/io';
import type { DatasetEntry } from '../model/dataset';
import type { CompressionPlan } from '../model/plan';
import { createStudio } from '../runtime/studio';

/**
 * Loads `modelDir`'s model.json + weights.bin into a fresh studio worker, compresses it by `plan`
 * with the TrainSource the store builds for a bundled split — `train` preprocessed as `val`
 * (src/state/trainData.ts), fetched from `baseUrl` — and returns the compact file's bytes.
 */
export async function studioCompactExport(modelDir: string, plan: CompressionPlan, baseUrl: string, val = 'mnist-val', train = 'mnist-train'): Promise<Uint8Array> {
  const studio = createStudio();
  await studio.init('wasm');
  const file = (name: string) => {
    const b = readFileSync(join(modelDir, name));
    return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
  };
  await studio.loadModel({ kind: 'files', name: 'model', files: [file('model.json'), file('weights.bin')] });
  const [v, t] = [val, train].map((id) => datasetCatalog().find((e) => e.id === id) as DatasetEntry);
  const done = await studio.compress(1, plan, { entry: { ...t, scale: v.scale, mean: v.mean, std: v.std }, baseUrl });
  if (done.type !== 'done') throw new Error(`the studio's compression ended ${done.type}`);
  return (await studio.exportModel('compact', 1)).bytes;
}
