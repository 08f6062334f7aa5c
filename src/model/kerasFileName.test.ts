import { describe, expect, it } from 'vitest';
import { isKerasFileName } from './kerasFileName';
import { hasKerasExtension, KERAS_EXTENSIONS } from './keras/loadKeras';

describe('isKerasFileName', () => {
  it('names the same files as the Keras reader (the page routes by it without loading the reader)', () => {
    const names = ['model.keras', 'M.KERAS', 'a/b/model.h5', 'x.weights.h5', 'x.hdf5', 'model.json', 'weights.bin', 'h5', 'model.keras.zip', 'model.h55', ...KERAS_EXTENSIONS.map((e) => `f${e.toUpperCase()}`)];
    for (const n of names) expect(isKerasFileName(n), n).toBe(hasKerasExtension(n));
    expect(names.filter(isKerasFileName)).toHaveLength(8);
  });
});
