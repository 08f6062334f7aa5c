// The CLI refuses malformed models, unsafe paths and ignored arguments before writing anything:
// exit code non-zero, one `error: …` line naming the file / flag and what to do.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { badModels } from '../node/badModels';
import { ROOT, useWasm } from '../node/io';
import { captureMain } from './captureMain';

const run = captureMain;

/** Runs the real CLI entry in a child process (for inputs that could hang or spin). */
function spawnCli(timeoutMs: number, ...args: string[]) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'compression-studio.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stderr: r.stderr, ms: Date.now() - started };
}

const lenetDir = join(ROOT, 'public', 'models', 'lenet-300-100');
const lenet = join(lenetDir, 'model.json');
const tmp = mkdtempSync(join(tmpdir(), 'cs-refuse-'));

/** Writes a model folder under tmp and returns its model.json path. */
function folder(name: string, files: { name: string; bytes: Buffer | string }[]): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
  return join(dir, 'model.json');
}

const withManifestPaths = (paths: string[]) => {
  const json = JSON.parse(readFileSync(lenet, 'utf8'));
  json.weightsManifest[0].paths = paths;
  return JSON.stringify(json);
};

beforeAll(async () => { await useWasm(); });
afterEach(() => { vi.restoreAllMocks(); });

describe('compress and eval refuse a malformed model before writing anything', () => {
  for (const c of badModels()) {
    it(c.id, async () => {
      const path = folder(c.id, c.files);
      const out = join(tmp, `${c.id}-out`);
      const r = await run('compress', path, '--bits', '8', '--format', 'tfjs', '--out', out);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).toMatch(c.expected);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    }, 60_000);
  }

  it('eval refuses a graph with a cycle, and warns (evaluating anyway) on NaN / Infinity weights', async () => {
    const cycle = badModels().find((c) => c.id === 'graph-cycle')!;
    const e = await run('eval', folder('eval-cycle', cycle.files), '--dataset', 'mnist-val', '--limit', '10');
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(cycle.expected);
    const nan = badModels().find((c) => c.id === 'nan-weights')!;
    const w = await run('eval', folder('eval-nan', nan.files), '--dataset', 'mnist-val', '--limit', '50');
    expect(w.code).toBe(0);
    expect(w.stderr).toMatch(/^warning: model\.json: non-finite weights: "fc2\/kernel" holds 3 NaN \/ Infinity values.*Evaluated anyway/);
    expect(JSON.parse(w.stdout).count).toBe(50);
  }, 60_000);
});

describe('weight files stay inside the model folder', () => {
  const secretDir = join(tmp, '_outside');
  mkdirSync(secretDir, { recursive: true });
  writeFileSync(join(secretDir, 'secret.bin'), readFileSync(join(lenetDir, 'weights.bin')));

  it('refuses ../ and absolute paths in the manifest', async () => {
    for (const p of ['../_outside/secret.bin', '../../etc/passwd', '/etc/passwd']) {
      const r = await run('compress', folder('traversal', [{ name: 'model.json', bytes: withManifestPaths([p]) }]), '--out', join(tmp, 'trav-out'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`model\\.json: weightsManifest group 1 lists the weight file "${p.replace(/\./g, '\\.')}", which is outside the model's folder`));
      expect(existsSync(join(tmp, 'trav-out'))).toBe(false);
    }
  });

  it('refuses a symbolic link that leads out of the folder, in compress and eval', async () => {
    const path = folder('symlink', [{ name: 'model.json', bytes: readFileSync(lenet) }]);
    symlinkSync(join(secretDir, 'secret.bin'), join(tmp, 'symlink', 'weights.bin'));
    for (const args of [['compress', path, '--out', join(tmp, 'sym-out')], ['eval', path, '--dataset', 'mnist-val']]) {
      const r = await run(...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error: weights\.bin: "weights\.bin" leads to .*_outside\/secret\.bin, outside the folder .*symlink \(a symbolic link\)/);
    }
  });
});

describe('files and folders that are not what they should be', () => {
  it('refuses /dev/zero as a model or compact file at once (it used to hang and grow to gigabytes)', () => {
    for (const args of [['eval', '/dev/zero', '--dataset', 'mnist-val'], ['compress', '/dev/zero', '--out', join(tmp, 'z')]]) {
      const r = spawnCli(60_000, ...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error: \/dev\/zero: is not a regular file \(a device, pipe or socket\)/);
    }
    const folderAsModel = spawnCli(60_000, 'eval', lenetDir, '--dataset', 'mnist-val');
    expect(folderAsModel.stderr).toMatch(/is a folder, not a file/);
  });

  it('refuses --out onto a place it cannot write, fast (it used to spin at 100 % CPU)', () => {
    const r = spawnCli(60_000, 'compress', lenet, '--bits', '8', '--out', '/proc/x');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: --out \/proc\/x: cannot create the folder \/proc\/x \(ENOENT\); choose a folder you can write to/);
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const onFile = spawnCli(60_000, 'compress', lenet, '--bits', '8', '--out', join(file, 'sub'));
    expect(onFile.stderr).toMatch(/is a file, not a folder/);
  });
});

describe('arguments that used to be silently ignored are refused', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown short flag', ['compress', lenet, '-p', '0.5', '--out', join(tmp, 'a')], /unknown option -p/],
    ['a second model path', ['compress', lenet, lenet, '--out', join(tmp, 'a')], /expected 1 path, got 2/],
    ['an empty --prune=', ['compress', lenet, '--prune=', '--out', join(tmp, 'a')], /--prune needs a value, got an empty one/],
    ['--limit 0', ['eval', lenet, '--dataset', 'mnist-val', '--limit', '0'], /--limit must be at least 1, got 0/],
    ['a negative --limit', ['eval', lenet, '--dataset', 'mnist-val', '--limit', '-3'], /--limit must be at least 1, got -3/],
    ['a fractional --limit', ['eval', lenet, '--dataset', 'mnist-val', '--limit', '2.5'], /--limit must be a whole number, got 2\.5/],
  ];
  for (const [name, args, expected] of cases) {
    it(name, async () => {
      const r = await run(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(expected);
      expect(existsSync(join(tmp, 'a'))).toBe(false);
    });
  }

  it('--plan with bad JSON names the file', async () => {
    const plan = join(tmp, 'bad-plan.json');
    writeFileSync(plan, '{"version": 1, "prune": ');
    const r = await run('compress', lenet, '--plan', plan, '--out', join(tmp, 'a'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: --plan .*bad-plan\.json: is not valid JSON \(.*\); fix the file/);
    writeFileSync(plan, '{"version": 1, "prune": {"ratio": 2}}');
    expect((await run('compress', lenet, '--plan', plan, '--out', join(tmp, 'a'))).stderr).toMatch(/--plan .*bad-plan\.json: compression plan: prune\.ratio must be in/);
  });

  it('a model evaluated on a data set with another class count', async () => {
    // LeNet-300-100 cut to 5 outputs: fc3 is [100, 5] with 5 biases.
    const json = JSON.parse(readFileSync(lenet, 'utf8'));
    json.modelTopology.config.layers.find((l: { config: { name: string } }) => l.config.name === 'fc3').config.units = 5;
    const specs = json.weightsManifest[0].weights;
    specs.find((w: { name: string }) => w.name === 'fc3/kernel').shape = [100, 5];
    specs.find((w: { name: string }) => w.name === 'fc3/bias').shape = [5];
    const weights = readFileSync(join(lenetDir, 'weights.bin')).subarray(0, (784 * 300 + 300 + 300 * 100 + 100 + 100 * 5 + 5) * 4);
    const path = folder('five', [{ name: 'model.json', bytes: JSON.stringify(json) }, { name: 'weights.bin', bytes: Buffer.from(weights) }]);
    const r = await run('eval', path, '--dataset', 'mnist-val');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: model\.json: the model outputs 5 classes, but --dataset mnist-val has 10 .*evaluate it on a data set with the model's classes/);
  });
});
