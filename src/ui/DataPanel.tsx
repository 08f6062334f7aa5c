import { useRef, useState } from 'react';
import { preprocessingOf, type DatasetEntry } from '../model/dataset';
import { currentDataset, useStudio } from '../state/store';

/** "0.5, 0.4" → [0.5, 0.4]; NaN entries are left for checkPreprocessing to name. */
const numbers = (text: string) => text.split(/[,\s]+/).filter(Boolean).map(Number);

/**
 * The data a model is measured on: open a folder of images (one subfolder per class, or none
 * for fidelity only) or a catalog-format data file, what the import assumed, and the
 * preprocessing (x = (byte · scale − mean) / std), shown and editable.
 */
export function DataPanel() {
  const notes = useStudio((s) => s.dataNotes);
  const entry = useStudio(currentDataset);
  const loadData = useStudio((s) => s.loadData);
  const disabled = useStudio((s) => s.phase !== 'ready' || Boolean(s.busy) || !s.model);
  const folderRef = useRef<HTMLInputElement>(null);
  const filesRef = useRef<HTMLInputElement>(null);
  const onFiles = (input: HTMLInputElement | null) => {
    const files = input?.files ? Array.from(input.files) : [];
    if (input) input.value = '';
    if (files.length) void loadData(files);
  };
  return (
    <details className="data-panel" data-testid="data-panel">
      <summary>Data &amp; preprocessing</summary>
      <div className="data-panel-body">
        <p className="hint">
          Measure on your own data: a folder of images with one subfolder per class (named by output index, or one per class in
          sorted order) gives accuracy; a folder without subfolders gives fidelity (agreement with the original model). A data file
          in the catalog&apos;s format (entry .json + images .u8 [+ labels .u8]) works too. Images are decoded in this page and
          stretched to the model&apos;s input; nothing is uploaded.
        </p>
        <div className="data-panel-buttons">
          <button type="button" disabled={disabled} onClick={() => folderRef.current?.click()}>Open image folder…</button>
          <button type="button" disabled={disabled} onClick={() => filesRef.current?.click()}>Open data files…</button>
        </div>
        <input ref={folderRef} data-testid="data-folder-input" type="file" hidden onChange={(e) => onFiles(e.currentTarget)}
          aria-label="Image folder" {...{ webkitdirectory: '', directory: '' }} />
        <input ref={filesRef} data-testid="data-file-input" type="file" multiple hidden accept=".json,.u8,image/*"
          onChange={(e) => onFiles(e.currentTarget)} aria-label="Data files (entry .json, images .u8, labels .u8, or images)" />
        {entry?.dataset === 'user' && notes && notes.length > 0 && (
          <ul className="data-notes" data-testid="data-notes">{notes.map((n) => <li key={n}>{n}</li>)}</ul>
        )}
        {entry && <PreprocessingForm key={JSON.stringify([entry.id, preprocessingOf(entry)])} entry={entry} disabled={disabled} />}
      </div>
    </details>
  );
}

/** The preprocessing fields, filled from the entry (re-mounted by key when the data set or its preprocessing changes). */
function PreprocessingForm({ entry, disabled }: { entry: DatasetEntry; disabled: boolean }) {
  const setPreprocessing = useStudio((s) => s.setPreprocessing);
  const reportError = useStudio((s) => s.reportError);
  const current = preprocessingOf(entry);
  const [scale, setScale] = useState(String(current.scale));
  const [mean, setMean] = useState(current.mean.join(', '));
  const [std, setStd] = useState(current.std.join(', '));
  return (
    <form className="preprocessing" data-testid="preprocessing" aria-label="Preprocessing" onSubmit={(e) => {
      e.preventDefault();
      const bad = ([['scale', scale], ['mean', mean], ['std', std]] as const).find(([, text]) => numbers(text).length === 0 || numbers(text).some(Number.isNaN));
      if (bad) {
        reportError('Preprocessing not applied', `${bad[0]} "${bad[1]}" is not a number (mean and std may list one per channel, comma-separated)`);
        return;
      }
      void setPreprocessing({ scale: Number(scale), mean: numbers(mean), std: numbers(std) });
    }}>
      <p className="formula">
        {entry.name}: {entry.shape.join('×')}, {entry.labels ? `${entry.classes.length} classes` : 'no labels (fidelity)'}; input = (byte × scale − mean) ÷ std
      </p>
      <label>scale <input data-testid="pre-scale" value={scale} onChange={(e) => setScale(e.target.value)} inputMode="decimal" size={10} /></label>
      <label>mean <input data-testid="pre-mean" value={mean} onChange={(e) => setMean(e.target.value)} size={12} title="one value, or one per channel, comma-separated" /></label>
      <label>std <input data-testid="pre-std" value={std} onChange={(e) => setStd(e.target.value)} size={12} title="one value, or one per channel, comma-separated" /></label>
      <button type="submit" data-testid="pre-apply" disabled={disabled} aria-label="Apply preprocessing">Apply</button>
    </form>
  );
}
