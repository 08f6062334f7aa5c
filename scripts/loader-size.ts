/**
 * Size budget of the package entry `compression-studio/loader`: reads the built ES module
 * (dist-loader/loader.js, from `npm run build:loader`), gzips it at level 9 and prints
 * { bytes, gzipBytes, budget, imports } as one JSON line. Exits 1 when the gzipped size exceeds
 * LOADER_BUDGET_BYTES, when the file imports anything but @tensorflow/tfjs (its only runtime
 * dependency, a peer), or when the file is missing. Run: `npm run size:loader`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The budget: 8 KiB = 8192 bytes of minified, gzip -9 JavaScript. */
export const LOADER_BUDGET_BYTES = 8 * 1024;

/** Module specifiers an ES module's code imports or re-exports (static and dynamic), in order of appearance. */
export function importSpecifiers(code: string): string[] {
  const found = code.matchAll(/\bimport\s*\(\s*(["'])([^"']+)\1\s*\)|(?:\bimport|\bexport)\b[^"';]*?\bfrom\s*(["'])([^"']+)\3|\bimport\s*(["'])([^"']+)\5/g);
  return [...found].map((m) => m[2] ?? m[4] ?? m[6]);
}

/** What the size check reports for one built file. */
export interface LoaderSize {
  /** Minified size in bytes (UTF-8). */
  bytes: number;
  /** Size after gzip level 9, in bytes. */
  gzipBytes: number;
  /** Distinct module specifiers the file imports. */
  imports: string[];
}

/** Measures built code: its UTF-8 bytes, its gzip -9 bytes and the distinct modules it imports. */
export function measureLoader(code: string): LoaderSize {
  const raw = new TextEncoder().encode(code);
  return { bytes: raw.length, gzipBytes: gzipSync(raw, { level: 9 }).length, imports: [...new Set(importSpecifiers(code))] };
}

/** The faults of a measurement against the budget and the peer-only rule; empty when it passes. */
export function loaderFaults(size: LoaderSize, budget = LOADER_BUDGET_BYTES): string[] {
  const faults: string[] = [];
  if (size.gzipBytes > budget) faults.push(`${size.gzipBytes} bytes gzipped is over the ${budget}-byte budget`);
  const others = size.imports.filter((s) => s !== '@tensorflow/tfjs');
  if (others.length) faults.push(`imports ${others.join(', ')}; only @tensorflow/tfjs may stay external`);
  return faults;
}

function main(): number {
  const file = join(fileURLToPath(new URL('..', import.meta.url)), 'dist-loader', 'loader.js');
  if (!existsSync(file)) {
    console.error(`loader-size: ${file} is missing; run npm run build:loader first`);
    return 1;
  }
  const size = measureLoader(readFileSync(file, 'utf8'));
  console.log(JSON.stringify({ file: 'dist-loader/loader.js', ...size, budget: LOADER_BUDGET_BYTES }));
  const faults = loaderFaults(size);
  for (const f of faults) console.error(`loader-size: ${f}`);
  return faults.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
