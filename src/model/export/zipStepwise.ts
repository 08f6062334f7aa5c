/**
 * zipFiles with progress: the archive built one file at a time (the first zipped alone, each next
 * one added by appendToZip, which writes exactly the bytes zipFiles writes for the longer list),
 * so `onStep` hears of each file before its level-9 DEFLATE — seconds for a big model's shards.
 * Same bytes as zipFiles(files); each step copies the archive so far (Σ ≤ files × zip length).
 */
import { appendToZip, zipFiles, type ExportFile } from './exportFiles';
import { counter, type OnStep } from '../progress';

/** zipFiles(files), reporting "Zipping <name> (i/n)" for each file to `onStep` (0–1) and 1 at the end. */
export function zipStepwise(files: readonly ExportFile[], onStep?: OnStep): Uint8Array {
  if (!onStep || files.length < 2) return zipFiles(files);
  const each = counter(onStep, files.length, false);
  each(0, `Zipping ${files[0].name}`);
  let zip = zipFiles([files[0]]);
  for (let i = 1; i < files.length; i++) {
    each(i, `Zipping ${files[i].name}`);
    zip = appendToZip(zip, files[i]);
  }
  onStep(1, `Zipped ${files.length} files`);
  return zip;
}
