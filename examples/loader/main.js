// Loads a .cstu with the built loader and stock TF.js, and prints the model's prediction for an
// all-zeros input of the model's own input shape (a stand-in for your preprocessed data).
import * as tf from '@tensorflow/tfjs';
import { loadCompressedModel } from 'compression-studio/loader';

const output = document.getElementById('output');

/** Loads `source` (a URL or the file's bytes), predicts once and prints the top class. */
async function run(source, label) {
  output.textContent = `loading ${label} …`;
  try {
    const model = await loadCompressedModel(source);
    const [, ...dims] = model.inputs[0].shape;
    const x = tf.zeros([1, ...dims.map((d) => d ?? 1)]);
    const y = model.predict(x);
    const scores = Array.from(await y.data());
    const top = scores.indexOf(Math.max(...scores));
    output.textContent = [
      `model: ${label} (${'layers' in model ? `${model.layers.length} layers` : 'graph model'}, input [${model.inputs[0].shape.join(', ')}])`,
      `backend: ${tf.getBackend()}`,
      `prediction for an all-zeros input: class ${top} (score ${scores[top].toFixed(4)})`,
      `scores: ${scores.map((s) => s.toFixed(4)).join(' ')}`,
    ].join('\n');
    tf.dispose([x, y]);
    model.dispose();
  } catch (e) {
    output.textContent = `error: ${e.message}`;
  }
}

document.getElementById('file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (file) await run(new Uint8Array(await file.arrayBuffer()), file.name);
});

const url = new URLSearchParams(location.search).get('model');
if (url) run(url, url);
