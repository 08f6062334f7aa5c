/**
 * A Keras file through the same door as a dropped TF.js model: read and translated
 * (readKerasFile), then written as TF.js files (model.json + weights.bin) and validated, built
 * and probed by loadModelFiles — so every check a TF.js model gets applies, and a fault in the
 * converted files is reported against the Keras file.
 */
import { ModelFileError } from '../modelFiles';
import { loadModelFiles, type LoadOptions } from '../modelInfo';
import { isKerasFileName } from '../kerasFileName';
import { kerasModelFiles, readKerasFile, type KerasModel, type ReadKerasOptions } from './readKeras';

/** True when `name` ends like a Keras file (.keras, .h5, .hdf5; any case): the page's own test. */
export const hasKerasExtension = isKerasFileName;
export { KERAS_EXTENSIONS } from '../kerasFileName';

/**
 * Reads a Keras file's bytes and loads the converted model as loadModelFiles does. `name` names
 * the file in messages (a fault of the converted files reads "<name> (converted to TF.js): …").
 */
export async function loadKerasModel(name: string, bytes: Uint8Array, options: LoadOptions & ReadKerasOptions = {}): Promise<{ keras: KerasModel } & Awaited<ReturnType<typeof loadModelFiles>>> {
  const keras = await readKerasFile(name, bytes, options);
  try {
    return { keras, ...(await loadModelFiles(kerasModelFiles(keras), name, options)) };
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(`${name} (converted to TF.js)`, e.message.slice(e.file.length + 2));
    throw e;
  }
}
