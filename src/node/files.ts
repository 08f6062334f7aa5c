/**
 * Careful Node-side reading and writing for the CLI: only regular files are read (not a device such
 * as /dev/zero, a pipe or a folder), never more bytes than the caller expects, weight files only
 * from inside the model's folder (no absolute paths, `..` or symlinks that lead out), and an output
 * folder is checked to be creatable and writable before any work is done.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, realpathSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { ModelFileError, type ModelFile } from '../model/modelFiles';
import { checkJsonDepth, checkManifest } from '../model/validateModel';

/** Largest model.json read (256 MiB; a converted graph model's JSON is a few MB). */
export const MAX_MODEL_JSON_BYTES = 256 * 2 ** 20;
/** Largest small JSON file read (a plan, a data-set entry): 16 MiB. */
export const MAX_SMALL_JSON_BYTES = 16 * 2 ** 20;

/**
 * The bytes of the regular file at `path`, refusing anything else and anything larger than
 * `maxBytes` before reading. `what` names the file in messages (e.g. "--plan plan.json").
 */
export function readRegularFile(path: string, maxBytes: number, what = path): Buffer {
  if (!existsSync(path)) throw new Error(`${what}: no such file`);
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new Error(`${what}: is a folder, not a file; give the path of the file itself`);
    if (!st.isFile()) throw new Error(`${what}: is not a regular file (a device, pipe or socket); give the path of a file on disk`);
    if (st.size > maxBytes) throw new Error(`${what}: is ${st.size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} expected; check the path`);
    const out = Buffer.alloc(st.size);
    let at = 0;
    while (at < st.size) {
      const n = readSync(fd, out, at, st.size - at, at);
      if (n === 0) break;
      at += n;
    }
    return out.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/**
 * The real path of `rel` inside `folder`, refusing an absolute path, a `..` segment, or a symbolic
 * link that leads out of the folder. `what` names the reference in messages. Undefined when absent.
 */
export function resolveInside(folder: string, rel: string, what: string): string | undefined {
  if (rel === '' || rel.startsWith('/') || rel.startsWith('\\') || /^[a-z]+:/i.test(rel) || rel.split(/[\\/]/).includes('..')) {
    throw new Error(`${what}: "${rel}" is outside the folder ${folder}; files it names must sit beside it (or below it)`);
  }
  const full = join(folder, rel);
  if (!existsSync(full)) return undefined;
  const root = realpathSync(folder);
  const real = realpathSync(full);
  if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new Error(`${what}: "${rel}" leads to ${real}, outside the folder ${root} (a symbolic link); copy the file into the folder`);
  }
  return real;
}

const arrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/**
 * Reads a model.json and the weight files its manifest names, as the files a user would drop.
 * A manifest that does not parse is returned alone (checkModelFiles names its fault); a weight
 * path must resolve — symlinks followed — inside the model's folder, be a regular file, and be no
 * larger than its group's declared bytes, all checked before it is read. A listed file that is
 * absent is left out (checkModelFiles names it).
 */
export function readModelFolder(path: string): ModelFile[] {
  const jsonBytes = readRegularFile(path, MAX_MODEL_JSON_BYTES);
  const files: ModelFile[] = [{ name: basename(path), bytes: arrayBuffer(jsonBytes) }];
  let manifest: tf.io.WeightsManifestConfig;
  let groupBytes: number[];
  try {
    const text = jsonBytes.toString('utf8');
    checkJsonDepth(text);
    manifest = (JSON.parse(text) as tf.io.ModelJSON).weightsManifest;
    groupBytes = checkManifest(manifest);
  } catch {
    return files; // checkModelFiles names the fault with the file name
  }
  const folder = dirname(resolve(path));
  manifest.forEach((group, g) => {
    for (const p of group.paths) {
      let real: string | undefined;
      try {
        real = resolveInside(folder, p, `${basename(path)}'s weights manifest`);
      } catch (e) {
        throw new ModelFileError(p, (e as Error).message.replace(/^[^:]*: /, ''));
      }
      if (!real) continue;
      const st = statSync(real);
      if (!st.isFile()) throw new ModelFileError(p, 'is not a regular file (a folder, device or pipe); it must be the weight shard model.json names.');
      if (st.size > groupBytes[g]) {
        throw new ModelFileError(p, `holds ${st.size} bytes, but model.json's weights manifest (group ${g + 1}) needs ${groupBytes[g]}. The shard is corrupt or from another model: export the model again.`);
      }
      files.push({ name: p, bytes: arrayBuffer(readRegularFile(real, groupBytes[g], p)) });
    }
  });
  return files;
}

/**
 * Makes sure `path` can hold output files before any work is done: creates its missing folders one
 * level at a time (Node's recursive mkdir spins on /proc) and writes and removes a probe file.
 * Returns the absolute path. `what` names it in messages (e.g. "--out out/").
 */
export function prepareOutputFolder(path: string, what = path): string {
  const out = resolve(path);
  const missing: string[] = [];
  let at = out;
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) throw new Error(`${what}: ${at} is a file, not a folder; choose a folder to write to`);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (e) {
      throw new Error(`${what}: cannot create the folder ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose a folder you can write to`, { cause: e });
    }
  }
  const probe = join(out, `.compression-studio-${process.pid}.tmp`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw new Error(`${what}: cannot write into ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose a folder you can write to`, { cause: e });
  }
  return out;
}
