/**
 * `compression-studio merge <a.jsonl> <b.jsonl> … --out <dir>`: joins the results files of one
 * sweep's shards. Every line is checked (importResults.ts checkPoint); all lines must be of one
 * sweep — the same model, data set, preprocessing and grid — or the merge is refused naming the
 * two files that differ. A cell found twice is kept once (the first file's; a different plan for
 * the same cell is refused). Writes into --out, sorted by cell:
 *   results.jsonl  every line, as the shards wrote them
 *   pareto.json    the Pareto front (smaller compact file and higher accuracy: state/pareto.ts), as the studio's report JSON
 *   pareto.csv     the same front, the studio report's CSV columns (state/report.ts)
 *   pareto.svg     accuracy against compact size (log), every point and the front (mergeSvg.ts)
 * Prints a summary JSON line; cells of the grid missing from every file are listed there and on stderr.
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { prepareOutputFolder, readRegularFile } from '../node/files';
import { checkPoint, type ResultPoint } from '../state/importResults';
import { paretoFront } from '../state/pareto';
import { reportCsv, reportJson } from '../state/report';
import type { ChartPoint } from '../state/types';
import { parseArgs, UsageError } from './args';
import { paretoSvg } from './mergeSvg';

/** The usage line of merge, for the CLI's usage text. */
export const MERGE_USAGE = `  compression-studio merge <results.jsonl>… --out <dir>    (writes results.jsonl, pareto.json, pareto.csv, pareto.svg)`;

/** The largest results file read (a line is ~1 KB: a million points). */
const MAX_RESULTS_BYTES = 1024 * 2 ** 20;

/** A sweep line with where it came from. */
export type MergedLine = ResultPoint & { id: number; cell: number; grid: string; line: string; file: string; at: number };

/** What must be equal across every line of one sweep. */
const sweepOf = (p: MergedLine) => ({ model: p.modelName, dataset: p.dataset, preprocessing: p.preprocessing, grid: p.grid, cells: p.cells });

/**
 * Reads, checks and joins the lines of `files` ({name, text}); returns them sorted by cell, one per
 * cell. Throws an Error naming the file and line of a bad line, or both files of two sweeps.
 */
export function mergeLines(files: readonly { name: string; text: string }[]): MergedLine[] {
  const byCell = new Map<number, MergedLine>();
  let first: MergedLine | undefined;
  for (const { name, text } of files) {
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${name}, line ${i + 1}`;
      let p: ResultPoint;
      try {
        p = checkPoint(JSON.parse(line));
      } catch (e) {
        throw new Error(`${where}: ${e instanceof SyntaxError ? 'is not JSON' : (e as Error).message}; merge takes the results files of compression-studio sweep`, { cause: e });
      }
      if (p.cell === undefined || p.grid === undefined || p.cells === undefined) throw new Error(`${where}: has no "cell", "cells" and "grid": it is not a line of compression-studio sweep`);
      const m: MergedLine = { ...p, id: p.cell + 1, cell: p.cell, grid: p.grid, line, file: name, at: i + 1 };
      if (m.cell >= (m.cells as number)) throw new Error(`${where}: cell ${m.cell} is outside its grid of ${m.cells} cells`);
      if (!first) first = m;
      const [a, b] = [JSON.stringify(sweepOf(first)), JSON.stringify(sweepOf(m))];
      if (a !== b) {
        const say = (x: MergedLine) => `${x.modelName} on ${x.dataset}${x.preprocessing ? ` (preprocessing ${x.preprocessing})` : ''}, grid "${x.grid}"`;
        throw new Error(`${where} is of another sweep than ${first.file}, line ${first.at}: ${say(m)} vs ${say(first)}; merge the shards of one sweep at a time`);
      }
      const had = byCell.get(m.cell);
      if (!had) byCell.set(m.cell, m);
      else if (JSON.stringify(had.plan) !== JSON.stringify(m.plan)) {
        throw new Error(`${where}: cell ${m.cell} has another plan than in ${had.file}, line ${had.at} (${m.label} vs ${had.label}): these are not shards of one sweep`);
      }
    });
  }
  if (!first) throw new Error(`${files.map((f) => f.name).join(', ')}: no lines; nothing to merge`);
  return [...byCell.values()].sort((a, b) => a.cell - b.cell);
}

/** The Pareto front of merged lines on compact size and accuracy, sorted by size. */
export function frontOf(lines: readonly MergedLine[]): MergedLine[] {
  return paretoFront(lines.map((l) => ({ ...l, bytes: l.compactBytes }))).map((p) => lines.find((l) => l.cell === p.cell) as MergedLine);
}

/** A merged line as a chart point (the fields the report writes). */
const pointOf = ({ line: _l, file: _f, at: _a, ...p }: MergedLine) => p as unknown as ChartPoint & { cell: number };

/** Runs `merge` (file comment) on `argv` (the words after "merge"). */
export async function mergeCommand(argv: readonly string[]): Promise<void> {
  const { positionals, flags } = parseArgs([...argv], { out: { type: 'string', help: 'the folder to write results.jsonl, pareto.json, pareto.csv and pareto.svg into' } });
  if (positionals.length === 0) throw new UsageError('merge needs one or more results files of compression-studio sweep');
  if (!flags.out) throw new UsageError('merge needs --out <dir>');
  const files = positionals.map((path) => ({ name: path, text: readRegularFile(path, MAX_RESULTS_BYTES).toString('utf8') }));
  const lines = mergeLines(files);
  const out = prepareOutputFolder(String(flags.out), `--out ${flags.out}`);
  const front = frontOf(lines);
  const cells = lines[0].cells as number;
  const present = new Set(lines.map((l) => l.cell));
  const missing = Array.from({ length: cells }, (_, k) => k).filter((k) => !present.has(k));
  writeFileSync(join(out, 'results.jsonl'), lines.map((l) => `${l.line}\n`).join(''));
  const meta = { model: lines[0].modelName, dataset: lines[0].dataset, grid: lines[0].grid, cells, measured: lines.length, missing, front: 'Pareto front on the compact file\'s bytes and the metric', date: new Date().toISOString() };
  writeFileSync(join(out, 'pareto.json'), reportJson(front.map(pointOf), meta));
  writeFileSync(join(out, 'pareto.csv'), reportCsv(front.map(pointOf)));
  const svg = (l: MergedLine) => ({ bytes: l.compactBytes, accuracy: l.accuracy, title: `cell ${l.cell}: ${l.label} — ${(100 * l.accuracy).toFixed(2)} %, ${l.compactBytes} bytes` });
  const svgFront = front.map(svg);
  const svgPoints = lines.map((l) => svgFront[front.indexOf(l)] ?? svg(l));
  writeFileSync(join(out, 'pareto.svg'), paretoSvg(svgPoints, svgFront, `${lines[0].modelName} on ${lines[0].dataset}: ${lines[0].grid}`, lines[0].metric));
  if (missing.length) console.error(`note: ${missing.length} of ${cells} cells are in none of the files (cells ${missing.join(', ')}): a shard did not finish?`);
  console.log(JSON.stringify({ out, files: files.map((f) => basename(f.name)), cells, measured: lines.length, missing, front: front.map((l) => l.cell), written: ['results.jsonl', 'pareto.json', 'pareto.csv', 'pareto.svg'] }));
}
