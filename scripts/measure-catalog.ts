/**
 * Measures every bundled model on its validation split with stock TF.js (wasm backend, loading
 * the committed files exactly as the studio does) and writes public/models/catalog.json.
 *
 *   npm run catalog          # rewrite the catalog
 *   npm run catalog -- --check   # fail if a recorded accuracy differs from the measured one
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogModel } from '../src/model/catalog';
import { loadModelFiles } from '../src/model/modelInfo';
import { evaluateModel } from '../src/runtime/evaluate';
import { PUBLIC, readDataset, useWasm } from '../src/node/io';
import { ZOO, type ZooId } from './zoo';

const DESCRIPTIONS: Record<ZooId, string> = {
  'lenet-300-100': '784-300-100-10 MLP (Deep Compression\'s first net), trained on the 8 000 MNIST training digits',
  'lenet-5': 'Caffe LeNet-5: conv 20@5×5, pool, conv 50@5×5, pool, dense 500, dense 10',
  'fashion-cnn': 'conv 3×3 + BN, depthwise 3×3 + BN, pointwise 1×1 + BN, dense 64, dense 10',
};

async function main() {
  await useWasm();
  const check = process.argv.includes('--check');
  const path = join(PUBLIC, 'models', 'catalog.json');
  const previous = check ? (JSON.parse(readFileSync(path, 'utf8')) as CatalogModel[]) : [];
  const out: CatalogModel[] = [];
  for (const [id, spec] of Object.entries(ZOO) as [ZooId, (typeof ZOO)[ZooId]][]) {
    const dir = join(PUBLIC, 'models', id);
    const json = readFileSync(join(dir, 'model.json'));
    const files = [{ name: 'model.json', bytes: json.buffer.slice(json.byteOffset, json.byteOffset + json.byteLength) }];
    for (const group of JSON.parse(json.toString()).weightsManifest) {
      for (const p of group.paths) {
        const b = readFileSync(join(dir, p));
        files.push({ name: p, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) });
      }
    }
    const { model, info } = await loadModelFiles(files, spec.name);
    const ds = readDataset(spec.dataset, 'val');
    const r = await evaluateModel(model, ds, { latencyRuns: 30 }, { job: 0 });
    if (r.type !== 'done') throw new Error('cancelled');
    console.log(`${id}: accuracy ${(r.accuracy * 100).toFixed(2)} % on ${ds.entry.id} (${r.count}), loss ${r.loss.toFixed(4)}, ${info.size.raw} B (gzip ${info.size.gzip}), ${info.params} params, batch-1 latency median ${r.latency.medianMs.toFixed(3)} ms p90 ${r.latency.p90Ms.toFixed(3)} ms (Node wasm)`);
    out.push({ id, name: spec.name, model: `models/${id}/model.json`, dataset: ds.entry.id, accuracy: r.accuracy, description: DESCRIPTIONS[id] });
    model.dispose();
  }
  if (check) {
    for (const m of out) {
      const p = previous.find((x) => x.id === m.id);
      if (!p || p.accuracy !== m.accuracy) throw new Error(`catalog accuracy of ${m.id} is ${p?.accuracy}, measured ${m.accuracy}`);
    }
    console.log('catalog accuracies match the measurement');
  } else {
    writeFileSync(path, JSON.stringify(out, null, 2) + '\n');
    console.log(`wrote ${path}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
