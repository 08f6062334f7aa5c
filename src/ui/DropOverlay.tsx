import { useEffect, useState } from 'react';
import { useStudio } from '../state/store';

type Entry = { isFile: boolean; isDirectory: boolean; name: string; fullPath: string;
  file?: (ok: (f: File) => void, err: (e: unknown) => void) => void;
  createReader?: () => { readEntries: (ok: (entries: Entry[]) => void, err: (e: unknown) => void) => void } };

/** Every file under a dropped entry, with its folder path as webkitRelativePath would give. */
async function filesOf(entry: Entry): Promise<File[]> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((ok, err) => entry.file?.(ok, err));
    return [new File([file], entry.fullPath.replace(/^\//, ''), { type: file.type })];
  }
  if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    const all: Entry[] = [];
    // readEntries returns at most ~100 entries per call: read until it returns none.
    for (;;) {
      const batch = await new Promise<Entry[]>((ok, err) => reader.readEntries(ok, err));
      if (batch.length === 0) break;
      all.push(...batch);
    }
    return (await Promise.all(all.map(filesOf))).flat();
  }
  return [];
}

/** Accepts model files, a model folder, or data (images, an image folder, a catalog-format data file) dropped anywhere on the page. */
export function DropOverlay() {
  const [over, setOver] = useState(false);
  const loadFiles = useStudio((s) => s.loadFiles);
  const reportError = useStudio((s) => s.reportError);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => { if (e.dataTransfer?.types.includes('Files')) { depth++; setOver(true); e.preventDefault(); } };
    const leave = () => { depth = Math.max(0, depth - 1); if (depth === 0) setOver(false); };
    const overFn = (e: DragEvent) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); };
    const drop = async (e: DragEvent) => {
      e.preventDefault();
      depth = 0;
      setOver(false);
      const items = Array.from(e.dataTransfer?.items ?? []);
      const entries = items.map((i) => (i as DataTransferItem & { webkitGetAsEntry?: () => Entry | null }).webkitGetAsEntry?.()).filter(Boolean) as Entry[];
      try {
        const files = entries.length ? (await Promise.all(entries.map(filesOf))).flat() : Array.from(e.dataTransfer?.files ?? []);
        await loadFiles(files);
      } catch (err) {
        reportError('Could not read the dropped files', err);
      }
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
    };
  }, [loadFiles, reportError]);
  if (!over) return null;
  return <div className="drop-overlay" data-testid="drop-overlay">Drop a model (model.json and its .bin files, or their folder) — or images / a data file to measure it on</div>;
}
