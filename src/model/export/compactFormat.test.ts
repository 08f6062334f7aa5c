// The compact reader on damaged and hostile files: every fault is a clear `compact file: …` Error,
// never a model.
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifacts, ROOT, useWasm } from '../../node/io';
import { crc32 } from '../../core';
import { partsFromArtifacts } from '../weights';
import { encodeCompact } from './compact';
import { decodeCompact } from './compactFormat';
import { compressMix } from './fixtures';

let file: Uint8Array;
let headerJson: Record<string, unknown>;
let records: Uint8Array;
const H = () => new DataView(file.buffer).getUint32(12, true);

beforeAll(async () => {
  await useWasm();
  const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json')));
  file = encodeCompact(compressMix(parts, () => 'affine8', 0.9));
  headerJson = JSON.parse(new TextDecoder().decode(inflateSync(file.subarray(16, 16 + H())))) as Record<string, unknown>;
  records = file.slice(16 + H(), file.length - 4);
});

/** Assembles a file with a correct length and checksum around any header block and records. */
function assemble(block: Uint8Array, recs: Uint8Array, flags = 0, version = 1): Uint8Array {
  const out = new Uint8Array(16 + block.length + recs.length + 4);
  const v = new DataView(out.buffer);
  out.set([0x43, 0x53, 0x54, 0x55]);
  v.setUint16(4, version, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, out.length, true);
  v.setUint32(12, block.length, true);
  out.set(block, 16);
  out.set(recs, 16 + block.length);
  v.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}
const json = (h: unknown) => new TextEncoder().encode(JSON.stringify(h));

function expectFault(bytes: Uint8Array, pattern: RegExp): void {
  let model: unknown;
  try {
    model = decodeCompact(bytes);
  } catch (e) {
    expect((e as Error).message).toMatch(/^compact file: /);
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error(`expected an error matching ${pattern}, got a model with ${(model as { weights: unknown[] }).weights.length} weights`);
}

describe('decodeCompact on damaged files', () => {
  it('the intact file decodes (control) and assemble() reproduces it', () => {
    expect(decodeCompact(file).weights).toHaveLength(6);
    expect(Buffer.from(assemble(file.subarray(16, 16 + H()), records, 1)).equals(Buffer.from(file))).toBe(true);
  });

  it('one flipped byte anywhere is caught, named by the field it hits', () => {
    const cases: [number, RegExp][] = [
      [0, /not a compact file \(it starts with 42 53 54 55/],
      [3, /not a compact file/],
      [4, /unsupported version 254 /], // 0x0001 ^ 0x00ff
      [6, /checksum mismatch/], // flags
      [8, /truncated at byte \d+ of \d+|unexpected bytes after the end/], // length, low byte
      [11, /truncated at byte \d+ of \d+/], // length, high byte
      [13, /checksum mismatch/], // header length
      [40, /checksum mismatch/], // header block
      [1000, /checksum mismatch/], // a record
      [file.length - 100, /checksum mismatch/],
      [file.length - 1, /checksum mismatch/], // the checksum itself
    ];
    for (const [at, pattern] of cases) {
      const bad = file.slice();
      bad[at] ^= at === 0 ? 0x01 : 0xff;
      expectFault(bad, pattern);
    }
    for (let at = 0; at < file.length; at += 97) {
      const bad = file.slice();
      bad[at] ^= 0x10;
      expectFault(bad, /./);
    }
  });

  it('truncation at any length says where and of how many bytes', () => {
    expectFault(new Uint8Array(0), /not a compact file \(it is empty\)/);
    for (const n of [2, 5, 11]) expectFault(file.slice(0, n), new RegExp(`truncated at byte ${n} of at least 20`));
    for (const n of [12, 16, 17, 500, file.length >> 1, file.length - 1]) expectFault(file.slice(0, n), new RegExp(`truncated at byte ${n} of ${file.length}$`));
    expectFault(new Uint8Array([...file, 0, 0]), /2 unexpected bytes after the end of the file/);
  });

  it('another format is not a compact file', () => {
    expectFault(new TextEncoder().encode('{"modelTopology": {}}'), /not a compact file \(it starts with 7b 22 6d 6f/);
    expectFault(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]), /not a compact file \(it starts with 50 4b 03 04/);
  });

  it('a future version is refused before anything else is read', () => {
    expectFault(assemble(json(headerJson), records, 0, 2), /unsupported version 2 \(this reader reads version 1\)/);
  });

  it('a bad header is named even when the checksum is right', () => {
    expectFault(assemble(new TextEncoder().encode('{"format": '), records), /bad header JSON \(/);
    expectFault(assemble(json({ ...headerJson, format: 'other' }), records), /bad header JSON \(format is not "compression-studio-compact"\)/);
    expectFault(assemble(json({ ...headerJson, version: 3 }), records), /bad header JSON \(version 3 does not match/);
    expectFault(assemble(json({ ...headerJson, tensors: undefined }), records), /bad header JSON \(no tensors list\)/);
    expectFault(assemble(json({ ...headerJson, tensors: [{ name: 'x', layer: 'x', shape: [-1] }] }), records), /tensors\[0\] needs a name, a layer and a shape/);
    expectFault(assemble(new Uint8Array([1, 2, 3]), records, 1), /bad header block/);
    expectFault(assemble(json(headerJson), records, 2), /unknown flags 0x2/);
    expectFault(assemble(new Uint8Array([0xff, 0xfe]), records), /bad header block \(/); // not UTF-8
  });

  it('records must match the header: shape, count, bounds, validity', () => {
    const tensors = headerJson.tensors as { name: string; layer: string; shape: number[] }[];
    const swapped = tensors.map((t, i) => (i === 0 ? { ...t, shape: [300, 784] } : t));
    expectFault(assemble(deflateSync(json({ ...headerJson, tensors: swapped })), records, 1), /record for "fc1\/kernel" has shape \[784, 300\] but header says \[300, 784\]/);
    const extra = [...tensors, { name: 'fc4/kernel', layer: 'fc4', shape: [2] }];
    expectFault(assemble(json({ ...headerJson, tensors: extra }), records), /record for "fc4\/kernel" is missing/);
    expectFault(assemble(json({ ...headerJson, tensors: tensors.slice(0, 5) }), records), /unexplained bytes after the last record/);
    const cut = records.slice(0, records.length - 10);
    expectFault(assemble(json(headerJson), cut), /record for "fc3\/bias" at byte \d+ is invalid \(decodeTensor: record claims/);
    const versioned = records.slice();
    versioned[4] = 9; // the first record's version byte
    expectFault(assemble(json(headerJson), versioned), /record for "fc1\/kernel" at byte \d+ is invalid \(decodeTensor: unsupported record version 9\)/);
  });
});
