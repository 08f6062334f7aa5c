/**
 * Size ratios between a reference (the files the user opened, or the float32 TF.js files) and an
 * export, and the plain words the studio, the CLI and the reports use for them. Bytes in, pure.
 */

/**
 * How many times smaller `exported` is than `reference`: reference ÷ exported (both in bytes).
 * Above 1 the export is smaller, below 1 larger. NaN unless both are positive finite numbers.
 */
export function sizeRatio(reference: number, exported: number): number {
  const ok = (n: number) => Number.isFinite(n) && n > 0;
  return ok(reference) && ok(exported) ? reference / exported : NaN;
}

/** A ratio as text without the "×": two decimals under 10 ("1.02"), one under 100 ("24.5"), none above ("412"); "–" when not finite. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return '–';
  return r < 10 ? r.toFixed(2) : r < 100 ? r.toFixed(1) : r.toFixed(0);
}

/**
 * `exported` bytes against `reference` bytes in plain words: "<what> 4.21× smaller than <against>",
 * "<what> 1.02× larger than <against>" (the factor is then exported ÷ reference), or "<what> 1.00×, the
 * same size as <against>" when the factor shows as 1.00. E.g. compareSizes(22_600_000, 23_052_000,
 * 'TF.js files', 'the files you opened') = "TF.js files 1.02× larger than the files you opened".
 */
export function compareSizes(reference: number, exported: number, what: string, against: string): string {
  const r = sizeRatio(reference, exported);
  if (!Number.isFinite(r)) return `${what}: no size to compare with ${against}`;
  const factor = r >= 1 ? r : 1 / r;
  if (formatRatio(factor) === '1.00') return `${what} 1.00×, the same size as ${against}`;
  return `${what} ${formatRatio(factor)}× ${r > 1 ? 'smaller' : 'larger'} than ${against}`;
}
