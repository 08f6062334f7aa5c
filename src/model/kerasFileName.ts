/**
 * Which dropped file is a Keras model, by its name alone: a leaf module (no TF.js, no reader), so
 * that the page, the worker and the CLI can route a Keras file without loading the Keras reader,
 * which the worker imports only when such a file is opened.
 */

/** File name endings the CLI and the page treat as Keras files. */
export const KERAS_EXTENSIONS = ['.keras', '.h5', '.hdf5'];

/** True when `name` ends like a Keras model file (.keras, .h5, .hdf5; any case). */
export function isKerasFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return KERAS_EXTENSIONS.some((e) => lower.endsWith(e));
}
