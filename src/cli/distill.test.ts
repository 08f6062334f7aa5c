// The CLI's recovery: distillation on a catalog split or an image folder, seeded (the same command
// gives the same bytes) and equal to the studio's worker for the same plan and data.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset, ROOT, useWasm } from '../node/io';
import { servePublic, type PublicServer } from '../node/publicServer';
import { captureMain } from './captureMain';
import { studioCompactExport } from './studioExport';

const run = captureMain;

/** Runs the real CLI entry in a child process, as a user would. */
function spawnCli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'compression-studio.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stderr: r.stderr };
}

const modelDir = join(ROOT, 'public', 'models', 'lenet-300-100');
const lenet = join(modelDir, 'model.json');
const tmp = mkdtempSync(join(tmpdir(), 'cs-distill-'));
const plan = { version: 1 as const, prune: { ratio: 0.9 }, quantize: { bits: 4 }, distill: { epochs: 1, limit: 512 } };

/** The first `count` MNIST training digits written as gray PNGs under `dir` (in class folders when `labelled`). */
function mnistFolder(dir: string, count: number, labelled: boolean): string {
  const ds = readDataset('mnist-train');
  for (let i = 0; i < count; i++) {
    const img = new PNG({ width: 28, height: 28 });
    for (let p = 0; p < 784; p++) img.data.set([ds.images[i * 784 + p], ds.images[i * 784 + p], ds.images[i * 784 + p], 255], p * 4);
    const sub = labelled ? join(dir, String(ds.labels[i])) : dir;
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `${String(i).padStart(5, '0')}.png`), PNG.sync.write(img));
  }
  return dir;
}

describe('compress --distill', () => {
  let server: PublicServer;
  beforeAll(async () => {
    await useWasm();
    server = await servePublic();
  });
  afterAll(() => server.close());

  it('the CLI result equals the studio\'s for the same plan and seed', async () => {
    writeFileSync(join(tmp, 'plan.json'), JSON.stringify(plan));
    const cli = await run('compress', lenet, '--plan', join(tmp, 'plan.json'), '--train', 'mnist-train', '--format', 'compact', '--out', join(tmp, 'cli'));
    expect(cli.code).toBe(0);
    expect(cli.stderr).toMatch(/distilling on the quantization grid: epoch 1\/1 \(16\/16 steps\) loss \d+\.\d{4} agreement \d+\.\d%/);
    const exported = await studioCompactExport(modelDir, plan, server.base);
    const written = new Uint8Array(readFileSync(join(tmp, 'cli', 'model.cstu')));
    expect(written.length).toBe(exported.length);
    expect(Buffer.compare(written, exported)).toBe(0);
  });

  it('seeded: the same command twice (two processes) writes the same bytes', () => {
    const args = ['compress', lenet, '--prune', '0.9', '--bits', '4', '--distill', '1', '--limit', '256', '--train', 'mnist-train', '--format', 'compact', '--out'];
    const [a, b] = [spawnCli(...args, join(tmp, 'seed-a')), spawnCli(...args, join(tmp, 'seed-b'))];
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(Buffer.compare(readFileSync(join(tmp, 'seed-a', 'model.cstu')), readFileSync(join(tmp, 'seed-b', 'model.cstu')))).toBe(0);
  });

  it('label-free distillation on an image folder wins back accuracy; labels in the folder are ignored at α = 0', async () => {
    const flat = mnistFolder(join(tmp, 'digits'), 512, false);
    const common = ['--prune', '0.95', '--bits', '4', '--format', 'compact'];
    expect((await run('compress', lenet, ...common, '--out', join(tmp, 'none'))).code).toBe(0);
    const kd = await run('compress', lenet, ...common, '--distill', '2', '--train', flat, '--out', join(tmp, 'kd'));
    expect(kd.code).toBe(0);
    expect(kd.stderr).toMatch(/note: 512 images from .*digits, stretched to 28×28 gray/);
    expect(kd.json.plan.distill).toEqual({ epochs: 2 });
    const acc = async (dir: string) => (await run('eval', join(tmp, dir, 'model.cstu'), '--dataset', 'mnist-val')).json.accuracy as number;
    const [before, after] = [await acc('none'), await acc('kd')];
    expect(after).toBeGreaterThan(before + 0.01);
    // The same digits in class folders: the labels are read, and ignored with a note at α = 0.
    const labelled = mnistFolder(join(tmp, 'classes'), 64, true);
    const ignored = await run('compress', lenet, ...common, '--distill', '1', '--train', labelled, '--out', join(tmp, 'kd2'));
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toMatch(/labels of --train .*classes are ignored: distillation with α = 0/);
    const tuned = await run('compress', lenet, ...common, '--finetune', '1', '--train', labelled, '--out', join(tmp, 'ft'));
    expect(tuned.code).toBe(0);
    expect(tuned.stderr).toMatch(/fine-tuning: epoch 1\/1 \(1\/1 steps\)/);
  });

  it('refuses with a named reason: fine-tuning or α > 0 on unlabelled images, a missing folder, classes that do not match', async () => {
    const flat = join(tmp, 'digits');
    const ft = await run('compress', lenet, '--prune', '0.9', '--finetune', '1', '--train', flat, '--out', join(tmp, 'x'));
    expect(ft.code).toBe(2);
    expect(ft.stderr).toMatch(/digits: has no labels \(no class subfolders\), and fine-tuning needs them; use --distill <epochs>/);
    const alpha = await run('compress', lenet, '--prune', '0.9', '--distill', '1', '--alpha', '0.5', '--train', flat, '--out', join(tmp, 'x'));
    expect(alpha.stderr).toMatch(/--alpha > 0 weighs a label loss; use --alpha 0/);
    const missing = await run('compress', lenet, '--distill', '1', '--train', join(tmp, 'nowhere'), '--out', join(tmp, 'x'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere: not in the catalog .* not a \.json entry file and not a folder/);
    mkdirSync(join(tmp, 'pets', 'cat'), { recursive: true });
    mkdirSync(join(tmp, 'pets', 'dog'), { recursive: true });
    const png = PNG.sync.write(new PNG({ width: 2, height: 2 }));
    writeFileSync(join(tmp, 'pets', 'cat', 'a.png'), png);
    writeFileSync(join(tmp, 'pets', 'dog', 'b.png'), png);
    const pets = await run('compress', lenet, '--distill', '1', '--train', join(tmp, 'pets'), '--out', join(tmp, 'x'));
    expect(pets.code).toBe(1);
    expect(pets.stderr).toMatch(/pets: found 2 class folders \(cat, dog\) but the model outputs 10 classes/);
    const noTrain = await run('compress', lenet, '--distill', '1', '--out', join(tmp, 'x'));
    expect(noTrain.code).toBe(2);
    expect(noTrain.stderr).toMatch(/distillation \(--distill or "distill" in the plan\) needs --train <catalog id \| entry\.json \| image folder>/);
  });
});
