/**
 * Where Keras keeps each layer's weights, for the two layouts Keras writes:
 * - Keras 3 (`model.weights.h5` in a `.keras` zip, or a `*.weights.h5` file): one group per layer
 *   under `layers/` (`_layer_checkpoint_dependencies/` in the tf.keras 2.13–2.15 `.keras` files),
 *   named — as Keras' saving_lib names them — by the layer's class in snake case with a counter
 *   (`conv2d`, `conv2d_1`, …, not the layer's own name), its variables as `vars/0`, `vars/1`, …
 *   in creation order, and those of its sub-layers below (an LSTM's `cell/vars/…`, a nested
 *   model's `layers/…`);
 * - legacy HDF5 (`model.save("x.h5")`, Keras 2.x / tf.keras / Keras 3): `model_weights/<layer>`
 *   groups in `layer_names` order, each listing its datasets in the `weight_names` attribute.
 * Both give, per layer, its tensors in Keras' order, keyed by the layer's name path ("dense", or
 * "inner_model/dense" inside a nested model) — the order TF.js creates the same weights in.
 */
import type { H5File, H5Tensor } from './hdf5';
import { entryName, isModelEntry, modelLayerEntries, type Json } from './translate';

/** Each layer's weight tensors in Keras' order, by layer name path. */
export type LayerWeights = Map<string, H5Tensor[]>;

/** Keras' `naming.to_snake_case` (Conv2D → conv2d, MaxPooling2D → max_pooling2d, ReLU → re_lu). */
export function snakeCase(name: string): string {
  return name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Keras visits attributes in sorted order, private ones (leading "_") last. */
const attrOrder = (a: string, b: string) => {
  const key = (s: string) => (s.startsWith('_') ? `~${s}` : s);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
};

/** A layer group's variables: its own `vars/i` in index order, then its sub-layers' (a Bidirectional's forward layer first, as TF.js). */
function groupVars(h5: H5File, path: string): H5Tensor[] {
  const out: H5Tensor[] = [];
  const vars = `${path}/vars`;
  if (h5.isGroup(vars)) {
    const indices = h5.keys(vars).filter((k) => /^\d+$/.test(k)).map(Number).sort((a, b) => a - b);
    for (const i of indices) out.push(h5.tensor(`${vars}/${i}`));
  }
  const children = h5.keys(path).filter((k) => k !== 'vars' && h5.isGroup(`${path}/${k}`)).sort(attrOrder);
  if (children.includes('forward_layer') && children.includes('backward_layer')) {
    children.splice(children.indexOf('forward_layer'), 1);
    children.unshift('forward_layer');
  }
  for (const child of children) out.push(...groupVars(h5, `${path}/${child}`));
  return out;
}

/** The Python class Keras 3 names a layer's group after (a nested functional model is a "Functional"). */
const pythonClass = (entry: Json) => (entry.class_name === 'Model' ? 'Functional' : String(entry.class_name));

/**
 * Keras 3 layout: every layer's tensors, found by the path Keras' saving_lib gives it (class name
 * in snake case plus a counter, within `layers/` of its model). A layer with no group there is
 * looked up by its own name; one with neither gets no tensors (matching then names it).
 */
export function keras3Weights(h5: H5File, model: Json, out: LayerWeights = new Map(), path = '', prefix = ''): LayerWeights {
  const container = ['layers', '_layer_checkpoint_dependencies'].map((c) => (path ? `${path}/${c}` : c)).find((c) => h5.isGroup(c)) ?? (path ? `${path}/layers` : 'layers');
  let entries = modelLayerEntries(model);
  // A Sequential model's `layers` leaves out its InputLayer; a functional model's keeps them.
  if (model.class_name === 'Sequential') entries = entries.filter((e) => e.class_name !== 'InputLayer');
  const used = new Map<string, number>();
  for (const entry of entries) {
    const base = snakeCase(pythonClass(entry));
    const n = used.has(base) ? (used.get(base) as number) + 1 : 0;
    used.set(base, n);
    const name = entryName(entry);
    const byClass = `${container}/${n ? `${base}_${n}` : base}`;
    const group = h5.isGroup(byClass) ? byClass : h5.isGroup(`${container}/${name}`) ? `${container}/${name}` : undefined;
    if (isModelEntry(entry)) {
      if (group) keras3Weights(h5, entry, out, group, `${prefix}${name}/`);
      continue;
    }
    out.set(`${prefix}${name}`, group ? groupVars(h5, group) : []);
  }
  return out;
}

/**
 * A string-list attribute (Keras writes `layer_names` / `weight_names` as byte-string arrays). A
 * list too long for one HDF5 attribute (64 KiB) Keras splits into `<key>0`, `<key>1`, …
 */
function names(h5: H5File, path: string, key: string): string[] {
  const list = (value: unknown) => (Array.isArray(value) ? value : [value]).map(String);
  const value = h5.attr(path, key);
  if (value !== undefined) return list(value);
  const out: string[] = [];
  for (let chunk = 0; ; chunk++) {
    const part = h5.attr(path, `${key}${chunk}`);
    if (part === undefined) return out;
    out.push(...list(part));
  }
}

/**
 * Legacy HDF5 layout: each layer's tensors from `weight_names` under `root` ("model_weights" in a
 * whole-model file, "" in a Keras 2 weights-only file). A nested model's group lists all its
 * layers' weights; they are split by the layer name each weight name carries ("conv/kernel:0").
 */
export function legacyWeights(h5: H5File, root: string, model: Json): LayerWeights {
  const out: LayerWeights = new Map();
  const nested = new Set(modelLayerEntries(model).filter(isModelEntry).map(entryName));
  for (const layer of names(h5, root, 'layer_names')) {
    const group = root ? `${root}/${layer}` : layer;
    for (const weight of names(h5, group, 'weight_names')) {
      const tensor = h5.tensor(`${group}/${weight}`);
      const parts = weight.split('/');
      const key = nested.has(layer) && parts.length >= 2 ? `${layer}/${parts[parts.length - 2]}` : layer;
      if (!out.has(key)) out.set(key, []);
      out.get(key)?.push(tensor);
    }
    if (!out.has(layer) && !nested.has(layer)) out.set(layer, []);
  }
  return out;
}
