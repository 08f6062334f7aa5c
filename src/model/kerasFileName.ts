/**
 * Which dropped file is a Keras model, by its name alone: a leaf module (no TF.js, no reader), so
 * that the page and the worker can route a Keras file without loading the Keras reader, which the
 * worker imports only when such a file is opened.
 */

/**
 * True when `name` ends like a Keras model file (.keras, .h5, .hdf5; any case) — the same test as
 * the reader's hasKerasExtension (src/model/keras/loadKeras.ts; a test checks the two agree).
 */
export const isKerasFileName = (name: string): boolean => /\.(keras|h5|hdf5)$/i.test(name);
