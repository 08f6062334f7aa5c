/**
 * Bias compensation of structured pruning. A removed unit c of a Dense / Conv2D layer is replaced
 * by its best data-free constant pre-activation z_c: its bias b_c (0 without one) when its kernel
 * column is zero — then z_c is exact — else, when a BatchNormalization follows directly, that BN's
 * moving mean μ_c (the data mean of z_c, so BN outputs β_c), else b_c again (what zeroing the
 * kernel column, i.e. masked structured pruning, would compute). The layers on the way to a
 * consumer map that constant to
 *   k_c = g(… act(b_c) …),  BatchNormalization: γ_c·(k − μ_c)/√(σ²_c + ε) + β_c,
 *   activations: f(k), dropout / pooling: k, DepthwiseConv2D: k·Σ_{i,j} D[i,j,c] + d_c,
 * and the consumer would have added k_c·Σ_{rows r of c} W[r, :] to every output. Folding that into
 * the consumer's bias reproduces the removed unit exactly when its kernel column really is zero
 * (and best-constant-wise otherwise) for Dense consumers and 'valid' convolutions. Zero padding
 * ('same' depthwise / conv windows larger than 1×1, ZeroPadding2D) breaks the constant at the
 * borders: folded anyway, reported as 'borders'. Unknown activations: nothing folded ('none').
 */
import type { ChannelConsumer, PathStep } from './channelPath';
import { flattenedIndices } from './slice';
import type { WeightStore } from './weightStore';

/** How exact a compensation is: exactly, exactly away from zero-padded borders, or not done. */
export type Exactness = 'exact' | 'borders' | 'none';

const RANK: Record<Exactness, number> = { exact: 0, borders: 1, none: 2 };
/** The less exact of two. */
export const worse = (a: Exactness, b: Exactness): Exactness => (RANK[a] >= RANK[b] ? a : b);

const isPointwise = (config: Record<string, unknown>) => {
  const k = config.kernel_size;
  return Array.isArray(k) ? k.every((d) => d === 1) : k === 1;
};

/** Per-layer facts the constants need. */
export interface LayerLookup {
  config(layer: string): Record<string, unknown>;
  store: WeightStore;
}

/**
 * k_c for every removed channel at the end of `steps`, starting from z_c (see the file header)
 * through the source's own activation `act`. Returns a reason instead when a step is not
 * element-wise or varies by position.
 */
export function removedConstants(look: LayerLookup, source: string, act: ((x: number) => number) | undefined, removed: readonly number[], steps: readonly PathStep[]): { k: Float64Array; exactness: Exactness } | { reason: string } {
  if (!act) return { reason: `activation of "${source}" is not element-wise` };
  const bias = look.store.get(source, 'bias')?.values;
  const k = Float64Array.from(removed, (c) => act(bias ? bias[c] : 0));
  const kernel = look.store.need(source, 'kernel');
  const n = kernel.shape[kernel.shape.length - 1];
  const live = removed.map((c) => {
    for (let p = c; p < kernel.values.length; p += n) if (kernel.values[p] !== 0) return true;
    return false;
  });
  let exactness: Exactness = 'exact';
  for (const [s, step] of steps.entries()) {
    if (s === 0 && step.kind === 'bn') { // a live unit enters BN at its running mean (see header)
      const mean = look.store.need(step.layer, 'moving_mean').values;
      removed.forEach((ch, i) => { if (live[i]) k[i] = mean[ch]; });
    }
    if (step.kind === 'bn') {
      if (step.flattened) return { reason: `BatchNormalization "${step.layer}" after a Flatten varies by position` };
      const c = look.config(step.layer);
      const eps = typeof c.epsilon === 'number' ? c.epsilon : 1e-3;
      const gamma = look.store.get(step.layer, 'gamma')?.values;
      const beta = look.store.get(step.layer, 'beta')?.values;
      const mean = look.store.need(step.layer, 'moving_mean').values;
      const variance = look.store.need(step.layer, 'moving_variance').values;
      removed.forEach((ch, i) => { k[i] = (gamma ? gamma[ch] : 1) * (k[i] - mean[ch]) / Math.sqrt(variance[ch] + eps) + (beta ? beta[ch] : 0); });
    } else if (step.kind === 'act') {
      const fn = step.fn;
      if (!fn) return { reason: `"${step.layer}" has an activation without a known formula` };
      for (let i = 0; i < k.length; i++) k[i] = fn(k[i]);
    } else if (step.kind === 'depthwise') {
      const d = look.store.need(step.layer, 'depthwise_kernel');
      const b = look.store.get(step.layer, 'bias')?.values;
      const channels = d.shape[2];
      removed.forEach((ch, i) => {
        let sum = 0;
        for (let p = ch; p < d.values.length; p += channels) sum += d.values[p];
        k[i] = k[i] * sum + (b ? b[ch] : 0);
      });
      if (step.same && !isPointwise(look.config(step.layer))) exactness = 'borders';
    } else if (step.kind === 'pad') exactness = 'borders';
  }
  return { k, exactness };
}

/**
 * Adds Σ_c k_c·Σ_{rows r of channel c} W[r, o] to bias[o] of the consumer (`channels` = the
 * source's channel count before pruning). Enables the consumer's bias when it has none (and a
 * constant is non-zero). Returns 'borders' for a zero-padded window larger than 1×1.
 */
export function foldIntoBias(look: LayerLookup, consumer: ChannelConsumer, channels: number, removed: readonly number[], k: Float64Array): Exactness {
  const config = look.config(consumer.layer);
  const exactness: Exactness = consumer.className === 'Conv2D' && config.padding === 'same' && !isPointwise(config) ? 'borders' : 'exact';
  if (k.every((x) => x === 0)) return 'exact';
  const kernel = look.store.need(consumer.layer, 'kernel');
  const out = kernel.shape[kernel.shape.length - 1];
  const rows = kernel.values.length / out;
  const add = new Float64Array(out);
  removed.forEach((c, i) => {
    if (k[i] === 0) return;
    // Rows of channel c: conv [kh, kw, cin, out] → every (i, j) at cin = c; Dense → c, or p·C + c after a Flatten.
    const rowList = consumer.className === 'Conv2D'
      ? Array.from({ length: rows / channels }, (_, p) => p * channels + c)
      : consumer.flattened ? flattenedIndices([c], channels, rows) : [c];
    for (const r of rowList) for (let o = 0; o < out; o++) add[o] += k[i] * kernel.values[r * out + o];
  });
  let bias = look.store.get(consumer.layer, 'bias');
  if (!bias) {
    config.use_bias = true;
    look.store.add(consumer.layer, 'bias', new Float32Array(out), [out], consumer.layer, 'kernel');
    bias = look.store.need(consumer.layer, 'bias');
  }
  look.store.set(consumer.layer, 'bias', Float32Array.from(bias.values, (b, o) => b + add[o]), [out]);
  return exactness;
}
