import { describe, expect, it } from 'vitest';
import { isKerasFileName } from './kerasFileName';

describe('isKerasFileName', () => {
  it('takes .keras, .h5 and .hdf5 in any case, with or without folders, and nothing else', () => {
    const keras = ['model.keras', 'M.KERAS', 'a/b/model.h5', 'x.weights.h5', 'x.hdf5', 'f.H5', 'f.HDF5'];
    const other = ['model.json', 'weights.bin', 'h5', 'model.keras.zip', 'model.h55', 'kerash5', 'model.keras/', ''];
    for (const n of keras) expect(isKerasFileName(n), n).toBe(true);
    for (const n of other) expect(isKerasFileName(n), n).toBe(false);
  });
});
