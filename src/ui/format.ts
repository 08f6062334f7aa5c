/** Display formatting shared by panels. Bytes use SI-free binary-ish units as browsers' devtools do (1 KB = 1000 B). */

/** "1 066 440 B" → "1.07 MB"; keeps three significant digits. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return u === 0 ? `${v} B` : `${v.toPrecision(3)} ${units[u]}`;
}

/** 0.97654 → "97.65 %" (two decimals, truncated never rounded up past the measured value). */
export function formatPercent(fraction: number, digits = 2): string {
  if (!Number.isFinite(fraction)) return '–';
  const f = 10 ** digits;
  return `${(Math.floor(fraction * 100 * f + 1e-9) / f).toFixed(digits)} %`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
