import { describe, expect, it } from 'vitest';
import { unzipSync, zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../node/io';
import { unzipEntries } from './unzip';

const fixture = (name: string) => new Uint8Array(readFileSync(join(ROOT, 'src', 'model', 'keras', 'fixtures', name)));
const all = () => true;
const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => ((i * 31 + seed) % 251) & (i % 7 ? 0xff : 0x0f));

describe('unzipEntries (the platform inflate, no fflate)', () => {
  it('gives the same bytes as fflate for stored and DEFLATE entries, UTF-8 names, and only the entries asked for', async () => {
    const files = { 'a.bin': bytesOf(100_000, 1), 'dir/b.txt': new TextEncoder().encode('hello '.repeat(1000)), 'été.json': new TextEncoder().encode('{"x":1}'), 'empty': new Uint8Array(0) };
    for (const level of [0, 6, 9] as const) {
      const zip = zipSync(files, { level });
      const got = await unzipEntries(zip, all);
      expect(Object.keys(got).sort()).toEqual(Object.keys(files).sort());
      for (const [name, want] of Object.entries(files)) expect(got[name]).toEqual(want);
      expect(Object.keys(await unzipEntries(zip, (n) => n === 'dir/b.txt'))).toEqual(['dir/b.txt']);
    }
  });

  it('reads the real .keras fixture as fflate does', async () => {
    const zip = fixture('mnist-cnn-keras3.keras');
    const want = unzipSync(zip);
    const got = await unzipEntries(zip, all);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    // (Buffer.equals: toEqual walks 2.7 MB element by element for seconds)
    for (const name of Object.keys(want)) expect(Buffer.from(got[name]).equals(Buffer.from(want[name])), name).toBe(true);
  });

  it('refuses a truncated zip, a damaged DEFLATE stream, a wrong CRC and an unknown method', async () => {
    const zip = zipSync({ 'a.bin': bytesOf(50_000, 2) }, { level: 6 });
    await expect(unzipEntries(zip.slice(0, zip.length - 30), all)).rejects.toThrow(/end of central directory/);
    await expect(unzipEntries(zip.slice(0, 1000), all)).rejects.toThrow(/end of central directory/);
    const badCrc = zip.slice();
    const cd = badCrc.length - 22 - (46 + 'a.bin'.length);
    badCrc[cd + 16] ^= 0xff; // the CRC-32 in the central directory
    await expect(unzipEntries(badCrc, all)).rejects.toThrow();
    const badData = zip.slice();
    for (let i = 40; i < 80; i++) badData[i] = 0xff;
    await expect(unzipEntries(badData, all)).rejects.toThrow();
    const badMethod = zip.slice();
    badMethod[cd + 10] = 12; // bzip2
    await expect(unzipEntries(badMethod, all)).rejects.toThrow(/compression method 12/);
  });
});
