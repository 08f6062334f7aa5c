/**
 * TF.js's element-wise activations on a scalar, in float64: what a removed unit's constant output
 * passes through before its contribution is folded into the next layer's bias. Formulas as in
 * tfjs-layers (activations.ts) and Keras.
 */

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const hardSigmoid = (x: number) => Math.min(1, Math.max(0, 0.2 * x + 0.5));
/** erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

const TABLE: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(6, Math.max(0, x)),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
  sigmoid,
  hardSigmoid, // TF.js's name; Keras writes hard_sigmoid
  hard_sigmoid: hardSigmoid,
  tanh: Math.tanh,
  softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  swish: (x) => x * sigmoid(x),
  mish: (x) => x * Math.tanh(softplus(x)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
};

/**
 * The element-wise function of an activation name (null / undefined = linear), or undefined when
 * it is unknown or not element-wise (softmax and logSoftmax normalise across channels).
 */
export function elementwiseActivation(name: unknown): ((x: number) => number) | undefined {
  if (name === null || name === undefined) return TABLE.linear;
  return typeof name === 'string' ? TABLE[name] : undefined;
}

/**
 * The function computed by an element-wise activation layer (config as TF.js writes it):
 * Activation {activation}; ReLU {max_value}: min(max(x, 0), max_value); LeakyReLU {alpha = 0.3}:
 * x > 0 ? x : αx; ELU {alpha = 1}: x > 0 ? x : α(eˣ − 1). Undefined for anything else.
 */
export function activationLayer(className: string, config: Record<string, unknown>): ((x: number) => number) | undefined {
  const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  switch (className) {
    case 'Activation': return elementwiseActivation(config.activation);
    case 'ReLU': {
      const max = typeof config.max_value === 'number' ? config.max_value : Infinity;
      return (x) => Math.min(max, Math.max(0, x));
    }
    case 'LeakyReLU': { const a = num(config.alpha, 0.3); return (x) => (x > 0 ? x : a * x); }
    case 'ELU': { const a = num(config.alpha, 1); return (x) => (x > 0 ? x : a * Math.expm1(x)); }
    default: return undefined;
  }
}
