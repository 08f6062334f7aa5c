// The HDF5 layer: the direct float32 path gives exactly jsfive's values; chunked, compressed
// and float64 datasets take jsfive's own path; strings lose their NUL padding; the
// superblock's declared length catches a truncated file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { File, Group } from 'jsfive';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../node/io';
import { writeH5 } from './fixtures';
import { declaredLength, H5File } from './hdf5';

const fixture = (name: string) => new Uint8Array(readFileSync(join(ROOT, 'src', 'model', 'keras', 'fixtures', name)));

/** Every dataset path below a jsfive group. */
function datasets(g: Group, prefix = ''): string[] {
  return g.keys.flatMap((k) => {
    const child = g.get(k);
    return child instanceof Group ? datasets(child, `${prefix}${k}/`) : [`${prefix}${k}`];
  });
}

describe('H5File', () => {
  it('reads every float dataset of the real files exactly as jsfive does', () => {
    const files = { 'mnist-cnn-keras2.h5': fixture('mnist-cnn-keras2.h5'), 'model.weights.h5': unzipSync(fixture('mnist-cnn-keras3.keras'))['model.weights.h5'] };
    for (const [name, bytes] of Object.entries(files)) {
      const reference = new File(bytes.slice().buffer, name);
      const h5 = new H5File(name, bytes);
      const paths = datasets(reference).filter((p) => (reference.get(p) as unknown as { dtype: string }).dtype === '<f4');
      expect(paths.length).toBeGreaterThan(8);
      for (const path of paths) {
        const want = Float32Array.from((reference.get(path) as unknown as { value: number[] }).value);
        expect(h5.tensor(path).values, path).toEqual(want);
      }
    }
  });

  it('reads chunked gzip and float64 datasets, and strips NUL padding from byte strings', async () => {
    const values = Float32Array.from({ length: 600 }, (_, i) => Math.sin(i));
    const bytes = await writeH5((file) => {
      file.create_dataset({ name: 'gz', data: values, shape: [20, 30], chunks: [5, 30], compression: 'gzip' });
      file.create_dataset({ name: 'f64', data: Float64Array.from(values), shape: [600] });
      file.create_attribute('names', ['ab', 'c'], [2], 'S4');
    });
    const h5 = new H5File('t.h5', bytes);
    expect(h5.tensor('gz')).toEqual({ path: 'gz', shape: [20, 30], values });
    expect(h5.tensor('f64').values).toEqual(values);
    expect(h5.attr('', 'names')).toEqual(['ab', 'c']);
    expect(h5.attr('', 'absent')).toBeUndefined();
    expect(h5.isGroup('gz')).toBe(false);
    expect(h5.isDataset('gz')).toBe(true);
    expect(() => h5.tensor('nope')).toThrow(/^t\.h5: has no dataset "nope"/);
  });

  it('knows the length a file declares, and refuses one that is shorter', async () => {
    const bytes = await writeH5((file) => { file.create_dataset({ name: 'x', data: new Float32Array(1000), shape: [1000] }); });
    expect(declaredLength(bytes)).toBe(bytes.length);
    expect(declaredLength(fixture('mnist-cnn-keras2.h5'))).toBe(575480);
    expect(() => new H5File('short.h5', bytes.slice(0, bytes.length - 100))).toThrow(/^short\.h5: is truncated/);
    expect(() => new H5File('text.h5', new TextEncoder().encode('hello world'))).toThrow(/^text\.h5: is not an HDF5 file/);
  });
});
