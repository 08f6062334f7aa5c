import { describe, expect, it } from 'vitest';
import { shallow } from 'zustand/shallow';
import { headerView } from './headerView';

type State = Parameters<typeof headerView>[0];

const action = async () => {};
/** A ready studio with a model, a data set and a backend: only the fields the header reads matter. */
const ready = {
  phase: 'ready', catalog: [{ id: 'lenet-5', name: 'LeNet-5 (MNIST)' }], modelId: 'lenet-5', model: { name: 'LeNet-5 (MNIST)' },
  datasets: [{ id: 'mnist-val', name: 'MNIST (validation)' }], datasetId: 'mnist-val', backendChoice: 'wasm',
  backend: { active: 'wasm', detail: 'WASM · SIMD · 1 thread', unavailable: {} }, theme: 'system',
  loadFiles: action, selectModel: action, selectDataset: action, setBackend: action, setTheme: () => {},
  points: [], progress: undefined, plan: undefined, evaluation: undefined, compressed: undefined,
} as unknown as State;

describe('headerView', () => {
  it('is unchanged (shallow-equal: no re-render) when only what the header does not show changes', () => {
    const before = headerView(ready);
    const elsewhere = { ...ready, points: [{ id: 1 }], progress: { fraction: 0.5 }, plan: { version: 1, quantize: { bits: 8 } },
      evaluation: { accuracy: 0.99 }, compressed: {}, sweep: { running: true }, error: { title: 't', message: 'm' } } as unknown as State;
    expect(shallow(before, headerView(elsewhere))).toBe(true);
  });

  it('changes with each thing the header shows', () => {
    const before = headerView(ready);
    const changes: Partial<Record<keyof State, unknown>>[] = [
      { modelId: 'user', model: { name: 'your model' } }, { datasetId: 'user-1' }, { backendChoice: 'auto' },
      { backend: { active: 'cpu', detail: 'CPU', unavailable: {} } }, { theme: 'dark' }, { busy: 'Loading model.json…' }, { phase: 'starting' },
    ];
    for (const change of changes) expect(shallow(before, headerView({ ...ready, ...change } as State)), JSON.stringify(change)).toBe(false);
  });

  it('locks the pickers while the worker starts or something loads', () => {
    expect(headerView(ready).disabled).toBe(false);
    expect(headerView({ ...ready, busy: 'Switching to cpu…' }).disabled).toBe(true);
    expect(headerView({ ...ready, phase: 'starting' }).disabled).toBe(true);
  });

  it('lets files be opened while the worker starts (they are queued), not while a load runs', () => {
    expect(headerView({ ...ready, phase: 'starting', busy: 'Starting the TF.js worker…' } as State).openDisabled).toBe(false);
    expect(headerView({ ...ready, busy: 'Loading model.json…' }).openDisabled).toBe(true);
    expect(headerView(ready).openDisabled).toBe(false);
  });
});
