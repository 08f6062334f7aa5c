/**
 * The "Load it in your app" snippets: code that loads the exported model with stock TF.js or the
 * compact loader package and classifies one input, generated from the model and its data:
 *   - the input is the loaded model's own input shape, batch 1 (a 224×224×3 model: [1, 224, 224, 3]);
 *   - the preprocessing is the data set's, as code: input = (byte × scale − mean[c]) ÷ std[c];
 *   - the class names are the data set's when it has one per output, and the top class is printed.
 * The snippets run as written (snippet.test.ts runs both on TF.js against exported files).
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
/** A number as exact JS source: `1 / 255` for a reciprocal of an integer, else every digit. */
const exact = (v: number) => {
  const inverse = Math.round(1 / v);
  return inverse > 1 && 1 / inverse === v ? `1 / ${inverse}` : String(v);
};
const exactList = (values: number[]) => (values.length === 1 ? exact(values[0]) : `[${values.map((v) => String(v)).join(', ')}]`);
const product = (shape: readonly number[]) => shape.reduce((a, d) => a * d, 1);

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

/**
 * The data set's class names when there is one per model output (outputShape's last dimension;
 * any count when it is unknown), else undefined.
 */
export function snippetClasses(entry: DatasetEntry | undefined, outputShape?: readonly number[]): string[] | undefined {
  const classes = entry?.classes ?? [];
  const outputs = outputShape?.at(-1);
  if (classes.length === 0 || (outputs !== undefined && outputs > 0 && outputs !== classes.length)) return undefined;
  return classes;
}

/**
 * The lines that make `input` (batch 1, `shape`) from pixels with the data set's preprocessing:
 * a `preprocess(pixels)` function (bytes → scaled, mean-subtracted, std-divided, reshaped to the
 * model's input), the image-element call in a comment, and zeros of the pixels' shape as the example.
 */
function inputLines(shape: number[], unknown: number[], entry: DatasetEntry | undefined): string[] {
  const free = unknown.length ? [`// the model accepts any size in dimension${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: 1 is used here`] : [];
  if (!entry) return ['// preprocess your input as the model was trained', ...free, `const input = tf.zeros([${shape.join(', ')}]);`];
  const p = preprocessingOf(entry);
  const [h, w, c] = entry.shape;
  // An image model takes [1, H, W, C]: pixels are the model's H×W×C; any other input takes the data's bytes reshaped.
  const image = shape.length === 4;
  const pixels = image ? shape.slice(1) : product(entry.shape) === product(shape) ? [...entry.shape] : shape.slice(1);
  const [ph, pw, pc] = image ? pixels : [h, w, c];
  const steps = [
    '.toFloat()',
    `.mul(${exact(p.scale)})`,
    ...(p.mean.every((m) => m === 0) ? [] : [`.sub(${exactList(p.mean)})`]),
    ...(p.std.every((s) => s === 1) ? [] : [`.div(${exactList(p.std)})`]),
    `.reshape([${shape.join(', ')}])`,
  ];
  return [
    `// ${entry.name} was measured with input = (byte × ${num(p.scale)} − ${list(p.mean)}) ÷ ${list(p.std)} per channel,`,
    `// from ${h}×${w} images with ${c} channel${c === 1 ? '' : 's'}; prepare yours the same way:`,
    `const preprocess = (pixels) => tf.tidy(() => pixels${steps.join('')});`,
    `// e.g. for an image element: preprocess(tf.browser.fromPixels(img, ${pc === 1 ? 1 : pc === 4 ? 4 : 3}).resizeBilinear([${ph}, ${pw}]))`,
    ...free,
    `const input = preprocess(tf.zeros([${pixels.join(', ')}])); // your image's bytes here`,
  ];
}

/** The prediction lines: predict, take the top class, print its name (or index) and probability. */
function predictLines(classes: string[] | undefined): string[] {
  return [
    ...(classes ? [`const classes = ${JSON.stringify(classes)};`] : []),
    'const probabilities = model.predict(input);',
    'const scores = await probabilities.data();',
    'const top = scores.indexOf(Math.max(...scores));',
    classes
      ? 'console.log(`top class: ${classes[top]} (${scores[top].toFixed(3)})`);'
      : 'console.log(`top class: ${top} (${scores[top].toFixed(3)})`);',
  ];
}

/**
 * The snippets for `model` measured on `entry` (the selected data set, if any): its input shape,
 * the data set's preprocessing and class names (see the file comment).
 */
export function loadSnippets(model: Pick<ModelInfo, 'inputShape' | 'format'> & { outputShape?: number[] }, entry?: DatasetEntry): LoadSnippets {
  const { shape, unknown } = exampleInputShape(model.inputShape, entry?.shape);
  const body = [...inputLines(shape, unknown, entry), ...predictLines(snippetClasses(entry, model.outputShape))];
  const graph = model.format === 'graph-model';
  const tfjs = [
    "import * as tf from '@tensorflow/tfjs';",
    '// unzip model-tfjs.zip into model/ next to your page, then:',
    `const model = await tf.${graph ? 'loadGraphModel' : 'loadLayersModel'}('model/model.json');`,
    ...body,
  ].join('\n');
  const compact = [
    "import * as tf from '@tensorflow/tfjs';",
    "import { loadCompressedModel } from 'compression-studio/loader';",
    "const model = await loadCompressedModel('model.cstu');",
    ...body,
  ].join('\n');
  return { tfjs, compact };
}
