/**
 * The "Load it in your app" snippets: code that loads the exported model with stock TF.js or the
 * compact loader and runs it once, on an input of the loaded model's own shape, with the data
 * set's preprocessing spelled out (input = (byte × scale − mean[c]) ÷ std[c]).
 */
import { preprocessingOf, type DatasetEntry } from '../model/dataset';
import type { ModelInfo } from '../model/modelInfo';

/** The two snippets: the TF.js export (.zip) and the compact file (.cstu). */
export interface LoadSnippets {
  tfjs: string;
  compact: string;
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));
const list = (values: number[]) => (values.length === 1 ? num(values[0]) : `[${values.map(num).join(', ')}]`);

/**
 * One input's shape for `tf.zeros`: the model's input shape with the batch dimension set to 1.
 * Other unknown dimensions (null or negative) are taken from the data set's [H, W, C] when the
 * ranks fit, else left at 1 and named in `unknown`.
 */
export function exampleInputShape(inputShape: readonly (number | null)[], data?: readonly number[]): { shape: number[]; unknown: number[] } {
  const unknown: number[] = [];
  const shape = inputShape.map((d, i) => {
    if (i === 0) return 1;
    if (d !== null && d > 0) return d;
    const fromData = data && data.length === inputShape.length - 1 ? data[i - 1] : undefined;
    if (fromData !== undefined) return fromData;
    unknown.push(i);
    return 1;
  });
  return { shape, unknown };
}

/** The preprocessing comment lines for `entry` (none when no data set is selected). */
function preprocessingLines(entry: DatasetEntry | undefined): string[] {
  if (!entry) return ['// preprocess your input as the model was trained'];
  const p = preprocessingOf(entry);
  const [h, w, c] = entry.shape;
  return [
    `// ${entry.name} was measured with input = (byte × ${num(p.scale)} − ${list(p.mean)}) ÷ ${list(p.std)} per channel,`,
    `// from ${h}×${w} images with ${c} channel${c === 1 ? '' : 's'}; prepare yours the same way, e.g. for an image element:`,
    `// tf.browser.fromPixels(img, ${c === 1 ? 1 : c === 4 ? 4 : 3}).resizeBilinear([${h}, ${w}]).toFloat().mul(${num(p.scale)}).sub(${list(p.mean)}).div(${list(p.std)}).expandDims(0)`,
  ];
}

/** The snippets for `model` measured on `entry` (the selected data set, if any). */
export function loadSnippets(model: Pick<ModelInfo, 'inputShape' | 'format'>, entry?: DatasetEntry): LoadSnippets {
  const { shape, unknown } = exampleInputShape(model.inputShape, entry?.shape);
  const input = [
    ...preprocessingLines(entry),
    ...(unknown.length ? [`// the model accepts any size in dimension${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: 1 is used here`] : []),
    `const input = tf.zeros([${shape.join(', ')}]);`,
    'const probabilities = model.predict(input);',
  ];
  const graph = model.format === 'graph-model';
  const tfjs = [
    "import * as tf from '@tensorflow/tfjs';",
    '// unzip model-tfjs.zip next to your page, then:',
    `const model = await tf.${graph ? 'loadGraphModel' : 'loadLayersModel'}('model/model.json');`,
    ...input,
  ].join('\n');
  const compact = [
    "import * as tf from '@tensorflow/tfjs';",
    "import { loadCompressedModel } from './loadCompressedModel'; // src/model/export in this repo",
    "const model = await loadCompressedModel('model.cstu');",
    ...input,
  ].join('\n');
  return { tfjs, compact };
}
