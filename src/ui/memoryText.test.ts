import { describe, expect, it } from 'vitest';
import { memoryText } from './memoryText';
import { busyProgress, busyText } from '../state/stepBusy';

describe('memory line and step busy text', () => {
  it('labels each figure, and shows the heap only when reported', () => {
    const r = { weightsFloat32: 79_660_704, arrays: { bytes: 290_097_601, buffers: 347 }, tensors: { bytes: 159_321_408, count: 332, backend: 'wasm' } };
    expect(memoryText(r)).toBe('weights 79.7 MB as float32 · arrays held 290 MB · TF.js tensors 159 MB (332, wasm)');
    expect(memoryText({ ...r, heap: { used: 57_200_000, limit: 4_294_705_152 } })).toMatch(/ · worker JS heap 57\.2 MB of 4\.29 GB$/);
    expect(memoryText({ ...r, pageHeap: { used: 31_000_000, limit: 4_294_705_152 } })).toMatch(/\(332, wasm\) · page JS heap 31\.0 MB of 4\.29 GB$/);
  });

  it('busy text: prefix, message and a whole percentage, clamped', () => {
    expect(busyText('Loading big', { fraction: 0.456, message: 'Quantizing conv1 (3/20)' })).toBe('Loading big: Quantizing conv1 (3/20) (46 %)');
    expect(busyText('Export', { fraction: 1.2, message: 'done' })).toBe('Export: done (100 %)');
  });

  it('busy progress ignores events that arrive after end() (they travel on their own port)', () => {
    const shown: string[] = [];
    const busy = busyProgress((b) => shown.push(b), 'Loading m');
    busy.onProgress({ type: 'progress', job: 0, phase: 'loading', fraction: 0.5, message: 'Building the layers' });
    busy.end();
    busy.onProgress({ type: 'progress', job: 0, phase: 'loading', fraction: 1, message: 'late' });
    expect(shown).toEqual(['Loading m: Building the layers (50 %)']);
  });
});
