import { gunzipSync, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { appendToZip, deflatedLength, zipBytesWith, deflatedLengthsAsync, exportSizes, gzip9, sizesFromDeflated, zipFiles } from './exportFiles';

const files = [
  { name: 'model.json', bytes: new TextEncoder().encode('{"hello": "world", "hello2": "world"}') },
  { name: 'group1-shard1of1.bin', bytes: Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff) },
];

describe('exportFiles', () => {
  it('zips the files at the root; unzip gives them back byte for byte', () => {
    const back = unzipSync(zipFiles(files));
    expect(Object.keys(back).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    for (const f of files) expect(back[f.name]).toEqual(f.bytes);
  });

  it('zips the same files to the same bytes every time (fixed timestamp)', () => {
    expect(zipFiles(files)).toEqual(zipFiles(files));
  });

  it('gzip9 round-trips and is deterministic', () => {
    expect(gunzipSync(gzip9(files[1].bytes))).toEqual(files[1].bytes);
    expect(gzip9(files[0].bytes)).toEqual(gzip9(files[0].bytes));
  });

  it('sizes are the lengths of real bytes', () => {
    const s = exportSizes(files);
    expect(s.files).toEqual(files.map((f) => ({ name: f.name, bytes: f.bytes.length, gzipBytes: gzip9(f.bytes).length })));
    expect(s.total).toBe(files[0].bytes.length + 1000);
    expect(s.gzipTotal).toBe(s.files[0].gzipBytes + s.files[1].gzipBytes);
    expect(s.zipBytes).toBe(zipFiles(files).length);
  });

  it('off the thread, the DEFLATE lengths are the same as on it, and give the same sizes', async () => {
    const lengths = await deflatedLengthsAsync(files.map((f) => f.bytes)).promise;
    expect(lengths).toEqual(files.map((f) => deflatedLength(f.bytes)));
    expect(sizesFromDeflated(files, lengths as number[])).toEqual(exportSizes(files));
    expect(await deflatedLengthsAsync([]).promise).toEqual([]);
  });

  it('a cancelled off-thread measurement resolves undefined', async () => {
    const job = deflatedLengthsAsync([new Uint8Array(1 << 20).map((_, i) => (i * 2654435761) >>> 24)]);
    job.cancel();
    expect(await job.promise).toBeUndefined();
    expect(() => sizesFromDeflated(files, [1])).toThrow(/2 files but 1 lengths/);
  });

  it('an empty export zips to an empty archive (22-byte end record)', () => {
    expect(exportSizes([])).toEqual({ files: [], total: 0, gzipTotal: 0, zipBytes: 22 });
  });

  it('rejects duplicate and folder names', () => {
    expect(() => zipFiles([files[0], files[0]])).toThrow(/two files are called "model.json"/);
    expect(() => zipFiles([{ name: 'a/b.bin', bytes: new Uint8Array(1) }])).toThrow(/plain, non-empty name/);
  });
  it('appendToZip adds a file without re-compressing: the same bytes as zipping all of them, the length by the formula', () => {
    const extra = { name: 'metadata.json', bytes: new TextEncoder().encode('{"plan": null}\n') };
    const appended = appendToZip(zipFiles(files), extra);
    expect(appended).toEqual(zipFiles([...files, extra]));
    expect(Object.keys(unzipSync(appended))).toEqual(['model.json', 'group1-shard1of1.bin', 'metadata.json']);
    expect(unzipSync(appended)['metadata.json']).toEqual(extra.bytes);
    expect(appended.length).toBe(exportSizes([...files, extra]).zipBytes);
    expect(zipBytesWith(zipFiles(files).length, extra)).toBe(appended.length);
    expect(appendToZip(zipFiles([]), extra)).toEqual(zipFiles([extra]));
    expect(() => appendToZip(appended, extra)).toThrow(/two files are called "metadata.json"/);
    expect(() => appendToZip(files[1].bytes, extra)).toThrow(/not a zip/);
  });
});
