import type { PageMemoryReport } from '../state/memory';
import { formatBytes } from './format';

/**
 * The memory line of the numbers panel, every figure labelled with what it counts, e.g.
 * "weights 79.7 MB as float32 · arrays held 290 MB · TF.js tensors 159 MB (332, wasm) · worker JS heap 57.2 MB of 4.29 GB"
 * (each heap only where the browser reports it: Chromium has performance.memory on the page, not in workers).
 */
export function memoryText(r: PageMemoryReport): string {
  const parts = [
    `weights ${formatBytes(r.weightsFloat32)} as float32`,
    `arrays held ${formatBytes(r.arrays.bytes)}`,
    `TF.js tensors ${formatBytes(r.tensors.bytes)} (${r.tensors.count.toLocaleString('en-US')}, ${r.tensors.backend})`,
  ];
  if (r.heap) parts.push(`worker JS heap ${formatBytes(r.heap.used)} of ${formatBytes(r.heap.limit)}`);
  if (r.pageHeap) parts.push(`page JS heap ${formatBytes(r.pageHeap.used)} of ${formatBytes(r.pageHeap.limit)}`);
  return parts.join(' · ');
}
