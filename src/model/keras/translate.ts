/**
 * Translation of a Keras model config (Keras 2.x, tf.keras 2.x and Keras 3 forms) into the TF.js
 * layers-model topology that `tf.models.modelFromJSON` reads — the Keras 2 form TF.js was written
 * for: `class_name` / `config` objects without Keras 3's `module` / `registered_name` /
 * `build_config`, plain dtype strings instead of DTypePolicy objects, `batch_input_shape` instead
 * of `batch_shape`, inbound nodes as `[[layer, nodeIndex, tensorIndex, kwargs]]`, a Sequential
 * model's InputLayer folded into its first layer. Initializers become Zeros (the weights come from
 * the file), regularizers and constraints are dropped (they only shape training in Keras). A
 * layer TF.js cannot run as Keras ran it is refused with a KerasLayerFault naming it and why.
 */

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/** A layer TF.js cannot reproduce: `layer` is its name, `message` what is wrong and what to do. */
export class KerasLayerFault extends Error {
  readonly layer: string;
  constructor(layer: string, className: string, message: string) {
    super(`layer "${layer}" (${className}): ${message}`);
    this.name = 'KerasLayerFault';
    this.layer = layer;
  }
}

/** What translation needs to know about the file: the Keras version that wrote it ("2.1.6", "3.14.0"). */
export interface TranslateOptions {
  kerasVersion: string;
  /** Layer class names TF.js provides (its serialization map). */
  supported: ReadonlySet<string>;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** True when a layer entry is itself a model (a nested Sequential or Functional). */
export function isModelEntry(entry: Json): boolean {
  return MODEL_CLASSES.has(String(entry.class_name));
}

/** The layer entries of a model config: Keras 2.1's Sequential list, or `config.layers`. */
export function modelLayerEntries(model: Json): Json[] {
  const config = model.config;
  const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layers)) throw new Error(`the ${String(model.class_name)} model's config has no layer list`);
  return layers.filter(isObject);
}

/** A layer entry's name (Keras 3 and 2 keep it in `config.name`; functional entries also as `name`). */
export function entryName(entry: Json): string {
  const config = isObject(entry.config) ? entry.config : {};
  return String(config.name ?? entry.name ?? '?');
}

/** Why a layer class TF.js lacks cannot be converted, and what to do, for the classes people use. */
const REFUSED: Record<string, string> = {
  Lambda: 'a Lambda layer holds Python code, which cannot run outside Python. Replace it with built-in layers (or move the computation out of the model) and save the model again.',
  TFOpLambda: 'it is a TensorFlow op recorded as a layer (tf.* called on a Keras tensor), which has no TF.js layer. Use the built-in Keras layer for it and save the model again.',
  SlicingOpLambda: 'it is a tensor slice recorded as a layer, which has no TF.js layer. Use a built-in layer (e.g. Cropping) and save the model again.',
  Normalization: 'TF.js has no Normalization layer. Normalize the inputs before the model (the studio\'s preprocessing does mean and std) and save the model without it.',
  Subtract: 'TF.js has no Subtract layer. Write it as Add with a negated input, or move it out of the model, and save again.',
};

/** Layer classes TF.js lacks that compute exactly a class it has at inference. */
const RENAMED: Record<string, string> = { SpatialDropout2D: 'Dropout', SpatialDropout3D: 'Dropout', Functional: 'Model' };

/** Keras activation names → the TF.js ones (TF.js camel-cases what it reads: log_softmax → logSoftmax). */
const ACTIVATIONS = new Set(['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softmax', 'log_softmax', 'softplus', 'softsign', 'swish', 'gelu', 'mish']);

/** A Keras activation (a name, or Keras 3's serialized function) as the name TF.js reads. */
function activationName(value: unknown, layer: string, className: string, keras3: boolean): string {
  let name = value;
  if (isObject(value)) name = typeof value.config === 'string' ? value.config : value.class_name;
  if (name === null || name === undefined) return 'linear';
  if (name === 'silu') return 'swish';
  // Keras 3 redefined hard_sigmoid as relu6(x + 3) / 6; TF.js and Keras 2 compute clip(0.2x + 0.5, 0, 1).
  if (name === 'hard_sigmoid' && !keras3) return 'hard_sigmoid';
  if (typeof name === 'string' && ACTIVATIONS.has(name)) return name;
  throw new KerasLayerFault(layer, className, `TF.js has no activation "${typeof name === 'string' ? name : JSON.stringify(name)}" as Keras ${keras3 ? 3 : 2} computes it. Use one of ${[...ACTIVATIONS].join(', ')} and save the model again.`);
}

/** A Keras dtype (a string or a DTypePolicy object) as a TF.js dtype: float32 for any float policy. */
function dtypeName(value: unknown): string {
  const name = isObject(value) ? String((isObject(value.config) ? value.config.name : undefined) ?? 'float32') : String(value ?? 'float32');
  if (/^(u?int|bool)/.test(name)) return 'int32';
  return 'float32';
}

/** Config keys Keras 3 adds that TF.js does not read, dropped when harmless (checked per class below). */
const DROPPED = new Set(['quantization_config', 'lora_alpha', 'synchronized', 'optional', 'ragged', 'build_config', 'shared_object_id']);

/**
 * The initializers of each class with weights: an absent one is set to Zeros too, since TF.js would
 * otherwise draw its default (Glorot) random numbers for every weight — 1.3 s for 25 M weights.
 */
const WEIGHT_INITIALIZERS: Record<string, string[]> = {
  Dense: ['kernel', 'bias'], Conv1D: ['kernel', 'bias'], Conv2D: ['kernel', 'bias'], Conv3D: ['kernel', 'bias'],
  Conv2DTranspose: ['kernel', 'bias'], Conv3DTranspose: ['kernel', 'bias'], DepthwiseConv2D: ['depthwise', 'bias'],
  SeparableConv2D: ['depthwise', 'pointwise', 'bias'], BatchNormalization: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  LayerNormalization: ['gamma', 'beta'], Embedding: ['embeddings'], PReLU: ['alpha'],
  LSTM: ['kernel', 'recurrent', 'bias'], GRU: ['kernel', 'recurrent', 'bias'], SimpleRNN: ['kernel', 'recurrent', 'bias'], ConvLSTM2D: ['kernel', 'recurrent', 'bias'],
};
const ZEROS = { class_name: 'Zeros', config: {} };

/** The class-specific rules: refuse options TF.js lacks, rename the ones it spells differently. */
function fixClass(className: string, c: Json, refuse: (why: string) => never): void {
  const drop = (...keys: string[]) => keys.forEach((k) => delete c[k]);
  const one = (axis: unknown) => (Array.isArray(axis) && axis.length === 1 ? axis[0] : axis);
  if (c.lora_rank) refuse('it has a LoRA adapter (lora_rank), which TF.js does not provide. Merge it into the kernel (layer.enable_lora undone) and save again.');
  drop('lora_rank');
  if (/^Conv[123]D(Transpose)?$/.test(className) || className === 'SeparableConv2D') {
    if (c.groups !== undefined && c.groups !== 1) refuse(`it is a grouped convolution (groups=${String(c.groups)}), which TF.js does not provide. Use groups=1 (or DepthwiseConv2D) and save again.`);
    drop('groups');
    if (c.output_padding !== undefined && c.output_padding !== null) refuse('it sets output_padding, which TF.js does not provide. Use output_padding=None and save again.');
    drop('output_padding');
  }
  if (className === 'BatchNormalization') {
    if (c.renorm) refuse('it uses batch renormalization (renorm=True), which TF.js does not provide.');
    drop('renorm', 'renorm_clipping', 'renorm_momentum', 'fused', 'virtual_batch_size', 'adjustment');
    c.axis = one(c.axis);
  }
  if (className === 'LayerNormalization') {
    if (c.rms_scaling) refuse('it uses RMS scaling (rms_scaling=True), which TF.js does not provide.');
    drop('rms_scaling');
    c.axis = one(c.axis);
  }
  if (/^Global(Average|Max)Pooling[123]D$/.test(className)) {
    if (c.keepdims) refuse('it keeps the pooled dimensions (keepdims=True), which TF.js does not provide. Add a Reshape after it instead and save again.');
    drop('keepdims');
  }
  if (className === 'ReLU') {
    if (Number(c.negative_slope ?? 0) !== 0 || Number(c.threshold ?? 0) !== 0) refuse('it sets negative_slope or threshold, which TF.js\'s ReLU does not provide. Use LeakyReLU or ThresholdedReLU and save again.');
    drop('negative_slope', 'threshold');
  }
  if (className === 'LeakyReLU' && c.negative_slope !== undefined) {
    c.alpha = c.negative_slope;
    drop('negative_slope');
  }
  if (className === 'GRU' && c.reset_after) refuse('it applies the reset gate after the matrix product (reset_after=True, the Keras default since TF 2), which TF.js\'s GRU does not provide. Train it with reset_after=False, or use LSTM.');
  if (className === 'InputLayer' || className === 'Embedding' || className === 'Dense') {
    if (c.sparse || c.ragged) refuse('it takes sparse or ragged tensors, which TF.js does not provide.');
    drop('sparse');
  }
  if (className === 'Rescaling' && (typeof c.scale !== 'number' || typeof (c.offset ?? 0) !== 'number')) refuse('it scales per channel (a list of scales or offsets); TF.js\'s Rescaling takes one number each.');
  if (className === 'Bidirectional') drop('backward_layer');
}

/**
 * Names of the nested models among a functional model's layers. A nested model's first node in
 * TF.js is its own input (built when it is deserialized); Keras numbers the calls without it, so
 * references to a nested model's node n are to TF.js's node n + 1.
 */
type Nested = ReadonlySet<string>;

/** One layer's config in TF.js's form (`nested` set: a functional layer, with its name and inbound nodes). */
function translateLayer(entry: Json, options: TranslateOptions, keras3: boolean, nested?: Nested): Json {
  const functional = nested !== undefined;
  const name = entryName(entry);
  const keras = String(entry.class_name);
  const refuse = (why: string): never => { throw new KerasLayerFault(name, keras, why); };
  if (isModelEntry(entry)) {
    const inner = translateModel(entry, options);
    return { ...inner, name, ...(functional ? { inbound_nodes: inboundNodes(entry.inbound_nodes, nested) } : {}) };
  }
  if (REFUSED[keras]) refuse(REFUSED[keras]);
  if (typeof entry.module === 'string' && /(^|\.)ops(\.|$)/.test(entry.module)) {
    refuse(`it is a Keras op (${entry.module}.${keras}) recorded in the functional graph, not a layer; TF.js has none. Use the layer (keras.layers.${keras}, if there is one) and save the model again.`);
  }
  const className = RENAMED[keras] ?? keras;
  if (entry.registered_name && typeof entry.registered_name === 'string' && !entry.registered_name.startsWith('keras') && entry.registered_name !== keras) {
    refuse(`it is a custom layer (registered as "${entry.registered_name}"), which TF.js does not provide. Replace it with built-in layers and save again.`);
  }
  if (!options.supported.has(className)) refuse(`TF.js has no layer class "${keras}". Replace it with built-in layers and save the model again.`);
  const config: Json = {};
  for (const [k, v] of Object.entries(isObject(entry.config) ? entry.config : {})) {
    if (DROPPED.has(k)) continue;
    if (k === 'dtype') config.dtype = dtypeName(v);
    else if (k === 'batch_shape') config.batch_input_shape = v;
    else if (k.endsWith('_initializer')) config[k] = ZEROS;
    else if (k.endsWith('_regularizer') || k.endsWith('_constraint')) config[k] = null;
    else if (k === 'activation' || k === 'recurrent_activation') config[k] = activationName(v, name, keras, keras3);
    else if (k === 'layer' && isObject(v)) config.layer = translateLayer(v, options, keras3);
    else config[k] = v;
  }
  fixClass(className, config, refuse);
  for (const w of WEIGHT_INITIALIZERS[className] ?? []) config[`${w}_initializer`] ??= ZEROS;
  config.name = name;
  return { class_name: className, config, ...(functional ? { name, inbound_nodes: inboundNodes(entry.inbound_nodes, nested) } : {}) };
}

/** [layer, nodeIndex, tensorIndex] of every Keras 3 `__keras_tensor__` in a call's arguments, in order. */
function kerasTensors(value: unknown, out: [string, number, number][] = []): [string, number, number][] {
  if (Array.isArray(value)) value.forEach((v) => kerasTensors(v, out));
  else if (isObject(value)) {
    if (value.class_name === '__keras_tensor__' && isObject(value.config) && Array.isArray(value.config.keras_history)) {
      const [layer, node, tensor] = value.config.keras_history as [string, number, number];
      out.push([layer, node, tensor]);
    } else Object.values(value).forEach((v) => kerasTensors(v, out));
  }
  return out;
}

/** A reference [layer, node, tensor] with a nested model's node shifted past its own input node. */
const ref = (layer: unknown, node: unknown, tensor: unknown, nested: Nested) => [layer, Number(node) + (nested.has(String(layer)) ? 1 : 0), tensor];

/** Inbound nodes in TF.js's form [[[layer, node, tensor, {}], ...], ...], from Keras 3 `{args, kwargs}` or Keras 2 lists. */
function inboundNodes(nodes: unknown, nested: Nested): unknown[] {
  if (!Array.isArray(nodes)) return [];
  return nodes.map((node) => {
    if (isObject(node)) return kerasTensors(node.args).map(([l, n, t]) => [...ref(l, n, t, nested), {}]);
    if (Array.isArray(node)) return node.filter(Array.isArray).map((r) => [...ref(r[0], r[1], r[2], nested), {}]);
    return [];
  });
}

/**
 * A model's inputs or outputs as a flat list of references, from any structure Keras writes: a list
 * of [name, node, tensor], one such triple alone, or (Keras 3, dict inputs) an object of them.
 */
function tensorRefs(refs: unknown, nested: Nested, out: unknown[] = []): unknown[] {
  if (Array.isArray(refs) && typeof refs[0] === 'string') out.push(ref(refs[0], refs[1], refs[2], nested));
  else if (Array.isArray(refs)) refs.forEach((r) => tensorRefs(r, nested, out));
  else if (isObject(refs)) Object.values(refs).forEach((r) => tensorRefs(r, nested, out));
  return out;
}

/**
 * The TF.js topology (`{class_name, config}`) of a Keras model config (`config.json` of a `.keras`
 * file, or the `model_config` attribute of a `.h5` file). Throws KerasLayerFault for a layer TF.js
 * cannot run as Keras did, and Error for a config that is not a Sequential or Functional model.
 */
export function translateModel(model: Json, options: TranslateOptions): Json {
  // tf.keras 2.13–2.15 .keras configs also carry `module`: the version decides when it is known.
  const keras3 = /^\d/.test(options.kerasVersion) ? /^3(\.|$)/.test(options.kerasVersion) : 'module' in model;
  const kind = String(model.class_name);
  if (!MODEL_CLASSES.has(kind)) throw new Error(`its model is a "${kind}", not a Sequential or Functional model (a subclassed model has no layer graph to convert)`);
  const config = isObject(model.config) ? model.config : {};
  const entries = modelLayerEntries(model);
  const modelName = String(config.name ?? (kind === 'Sequential' ? 'sequential' : 'model'));
  if (kind === 'Sequential') {
    const layers = entries.map((e) => translateLayer(e, options, keras3));
    const first = layers[0];
    if (first?.class_name === 'InputLayer') {
      layers.shift();
      const input = first.config as Json;
      if (layers[0]) {
        const next = layers[0].config as Json;
        next.batch_input_shape ??= input.batch_input_shape;
        if (input.dtype && input.dtype !== 'float32') next.dtype = input.dtype;
      }
    } else if (first && !(first.config as Json).batch_input_shape && Array.isArray(config.build_input_shape)) {
      (first.config as Json).batch_input_shape = config.build_input_shape;
    }
    return { class_name: 'Sequential', config: { name: modelName, layers } };
  }
  const nested = new Set(entries.filter(isModelEntry).map(entryName));
  return {
    class_name: 'Model',
    config: {
      name: modelName,
      layers: entries.map((e) => translateLayer(e, options, keras3, nested)),
      input_layers: tensorRefs(config.input_layers, nested),
      output_layers: tensorRefs(config.output_layers, nested),
    },
  };
}
