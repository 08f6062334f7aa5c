/**
 * A mutable view of a model's weights by layer and role ("kernel", "bias", "gamma", …), for
 * structural transforms that resize, add and insert tensors. Manifest order is kept: replaced
 * tensors stay where they were, added ones go next to their layer's other weights, because
 * TF.js matches weights by name on load but people read manifests in order.
 */
import { splitWeightName } from '../compress/weightLevel';
import type { WeightTensor } from '../weights';

export class WeightStore {
  private list: WeightTensor[];

  /** Copies the array (not the values: tensors are replaced, never written into). */
  constructor(weights: readonly WeightTensor[]) {
    this.list = weights.map((w) => ({ ...w, shape: [...w.shape] }));
  }

  private index(layer: string, role: string): number {
    const exact = this.list.findIndex((w) => w.name === `${layer}/${role}`);
    if (exact >= 0) return exact;
    // Names such as "fc1/kernel_1" (TF.js uniquifies) or "outer/fc1/kernel" (nested scopes).
    return this.list.findIndex((w) => {
      const s = splitWeightName(w.name);
      return s.role === role && (s.layer === layer || s.layer.endsWith(`/${layer}`));
    });
  }

  /** The weight `role` of `layer`, or undefined. */
  get(layer: string, role: string): WeightTensor | undefined {
    const i = this.index(layer, role);
    return i >= 0 ? this.list[i] : undefined;
  }

  /** Like {@link get} but throws a clear error when the weight is missing. */
  need(layer: string, role: string): WeightTensor {
    const w = this.get(layer, role);
    if (!w) throw new Error(`weights: layer "${layer}" has no "${role}" weight in the manifest`);
    return w;
  }

  /** Replaces the values and shape of an existing weight, keeping its name and position. */
  set(layer: string, role: string, values: Float32Array, shape: number[]): void {
    const i = this.index(layer, role);
    if (i < 0) throw new Error(`weights: layer "${layer}" has no "${role}" weight in the manifest`);
    this.list[i] = { name: this.list[i].name, values, shape };
  }

  /**
   * Adds weight `role` of `layer` next to weight `anchorRole` of `anchorLayer` (after it, or
   * before it with `before`), named like the anchor (same scope prefix): "<prefix><layer>/<role>".
   */
  add(layer: string, role: string, values: Float32Array, shape: number[], anchorLayer: string, anchorRole: string, before = false): void {
    const i = this.index(anchorLayer, anchorRole);
    if (i < 0) throw new Error(`weights: layer "${anchorLayer}" has no "${anchorRole}" weight in the manifest`);
    const anchor = this.list[i].name;
    const cut = anchor.lastIndexOf(`${anchorLayer}/`);
    const prefix = cut > 0 ? anchor.slice(0, cut) : '';
    this.list.splice(before ? i : i + 1, 0, { name: `${prefix}${layer}/${role}`, values, shape });
  }

  /** The weights in manifest order. */
  weights(): WeightTensor[] {
    return this.list.slice();
  }
}
