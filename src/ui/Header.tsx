import { useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../state/store';
import type { BackendChoice } from '../runtime/protocol';
import { DataPanel } from './DataPanel';
import { headerView } from './headerView';
import { setPresenting } from './presentationMode';

const BACKEND_LABELS: Record<BackendChoice, string> = { auto: 'Auto (best available)', webgpu: 'WebGPU', wasm: 'WASM', cpu: 'CPU (JavaScript)' };

/** Model picker and file inputs, data set, backend choice and the indicator of what really runs. */
export function Header() {
  const s = useStudio(useShallow(headerView));
  const filesRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const onFiles = (input: HTMLInputElement | null) => {
    const files = input?.files ? Array.from(input.files) : [];
    if (input) input.value = '';
    if (files.length) void s.loadFiles(files);
  };
  const { disabled } = s;
  return (
    <header className="header">
      <h1>Compression Studio</h1>
      <div className="header-controls">
        <label>
          Model
          <select data-testid="model-select" value={s.modelId ?? ''} disabled={disabled} onChange={(e) => void s.selectModel(e.target.value)}>
            {!s.modelId && <option value="">–</option>}
            {s.catalog.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
            {s.modelId === 'user' && <option value="user">{s.modelName}</option>}
          </select>
        </label>
        <button type="button" disabled={s.openDisabled} onClick={() => filesRef.current?.click()}>Open model files…</button>
        <button type="button" disabled={s.openDisabled} onClick={() => folderRef.current?.click()}>Open folder…</button>
        <input ref={filesRef} data-testid="file-input" type="file" multiple accept=".json,.bin,.keras,.h5,.hdf5,application/json,application/octet-stream"
          hidden onChange={(e) => onFiles(e.currentTarget)} aria-label="Model files (model.json and .bin shards, or a Keras .keras / .h5 file)" />
        <input ref={folderRef} data-testid="folder-input" type="file" hidden onChange={(e) => onFiles(e.currentTarget)}
          aria-label="Model folder" {...{ webkitdirectory: '', directory: '' }} />
        <label>
          Data set
          <select data-testid="dataset-select" value={s.datasetId ?? ''} disabled={disabled} onChange={(e) => void s.selectDataset(e.target.value)}>
            {s.datasets.map((d) => <option key={d.id} value={d.id}>{d.name} · {d.count.toLocaleString('en-US')}{d.labels ? '' : ' · no labels'}</option>)}
          </select>
        </label>
        <DataPanel />
        <label>
          Backend
          <select data-testid="backend-select" value={s.backendChoice} disabled={disabled} onChange={(e) => void s.setBackend(e.target.value as BackendChoice)}>
            {(Object.keys(BACKEND_LABELS) as BackendChoice[]).map((b) => (
              <option key={b} value={b} disabled={b !== 'auto' && Boolean(s.backend?.unavailable[b as Exclude<BackendChoice, 'auto'>])}>
                {BACKEND_LABELS[b]}{b !== 'auto' && s.backend?.unavailable[b as Exclude<BackendChoice, 'auto'>] ? ' — unavailable' : ''}
              </option>
            ))}
          </select>
        </label>
        <span className={`backend-badge backend-${s.backend?.active ?? 'none'}`} data-testid="backend-active" data-backend={s.backend?.active ?? ''}
          title={[s.backend?.note, ...Object.entries(s.backend?.unavailable ?? {}).map(([k, v]) => `${k}: ${v}`)].filter(Boolean).join('\n')}>
          {s.backend ? `Running on ${s.backend.detail}` : 'Starting…'}
        </span>
        <button type="button" data-testid="present" onClick={() => setPresenting(true)} aria-keyshortcuts="F"
          title="Presentation view for a projector: the chart and the stages in large type; presets with ← → or PageUp / PageDown, Esc leaves (key: F)">Present</button>
        <label className="theme">
          Theme
          <select data-testid="theme-select" value={s.theme} onChange={(e) => s.setTheme(e.target.value as 'system' | 'light' | 'dark')}>
            <option value="system">system</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
      </div>
      {s.backend?.note && <p className="backend-note" data-testid="backend-note">{s.backend.note}</p>}
    </header>
  );
}
