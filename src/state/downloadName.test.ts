import { describe, expect, it } from 'vitest';
import { downloadName } from './selectors';

describe('downloadName', () => {
  it('names a download after the model, file-safe, then the export file', () => {
    expect(downloadName({ name: 'LeNet-5 (MNIST)' }, 'model.cstu')).toBe('LeNet-5-MNIST-model.cstu');
    expect(downloadName({ name: 'lenet-5 (your model)' }, 'model.zip')).toBe('lenet-5-model.zip');
    expect(downloadName(undefined, 'model.zip')).toBe('model-model.zip');
    expect(downloadName({ name: '((( )))' }, 'model.zip')).toBe('model-model.zip');
  });

  it('names a model converted from Keras after its file, without the extension', () => {
    const converted = { from: 'keras' as const, file: 'models/mnist-cnn-keras3.keras', kerasVersion: '3.14.0', format: 'keras3-zip' as const };
    expect(downloadName({ name: 'mnist-cnn-keras3.keras (your model)', converted }, 'model.keras')).toBe('mnist-cnn-keras3-model.keras');
    expect(downloadName({ name: 'x', converted: { ...converted, file: 'mnist.h5', format: 'hdf5' } }, 'model.h5')).toBe('mnist-model.h5');
  });
});
