/**
 * A small stand-alone SVG chart of a sweep, written by hand (no browser, no chart library):
 * accuracy (linear, %) against the compact file's size (log10 axis, bytes), every point as a grey
 * dot, the Pareto front as a green staircase through its points (each step: right along the
 * accuracy already reached, then up), with axis ticks and labels.
 */
import { formatBytes } from '../ui/format';

/** A point of the chart: size in bytes (> 0), accuracy in [0, 1], and a title shown on hover. */
export interface SvgPoint {
  bytes: number;
  accuracy: number;
  title: string;
}

const W = 640, H = 400, L = 64, R = 16, T = 48, B = 52;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fix = (x: number) => Number(x.toFixed(1));

/** The SVG text of `points` with `front` (a subset, sorted by size) drawn as a staircase; `title` heads it. */
export function paretoSvg(points: readonly SvgPoint[], front: readonly SvgPoint[], title: string, metric = 'accuracy'): string {
  const sizes = points.map((p) => p.bytes);
  const [lo, hi] = [Math.log10(Math.min(...sizes) / 1.3), Math.log10(Math.max(...sizes) * 1.3)];
  const accs = points.map((p) => p.accuracy * 100);
  const aLo = Math.max(0, Math.floor((Math.min(...accs) - 1) / 5) * 5);
  const aHi = Math.min(100, Math.ceil((Math.max(...accs) + 0.5) / 5) * 5);
  const x = (bytes: number) => fix(L + ((Math.log10(bytes) - lo) / (hi - lo || 1)) * (W - L - R));
  const y = (acc: number) => fix(T + (1 - (acc * 100 - aLo) / (aHi - aLo || 1)) * (H - T - B));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`, `<text x="${W / 2}" y="20" text-anchor="middle" font-size="13">${esc(title)}</text>`);
  // Size ticks at 1-2-5 steps inside the axis.
  const ticks = [1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9].flatMap((d) => [d, 2 * d, 5 * d]).filter((t) => Math.log10(t) >= lo && Math.log10(t) <= hi);
  for (const t of ticks) out.push(`<line x1="${x(t)}" y1="${T}" x2="${x(t)}" y2="${H - B}" stroke="#ddd"/>`, `<text x="${x(t)}" y="${H - B + 14}" text-anchor="middle">${formatBytes(t)}</text>`);
  for (let a = aLo; a <= aHi; a += aHi - aLo > 20 ? 10 : aHi - aLo > 5 ? 5 : 1) {
    out.push(`<line x1="${L}" y1="${y(a / 100)}" x2="${W - R}" y2="${y(a / 100)}" stroke="#ddd"/>`, `<text x="${L - 6}" y="${y(a / 100) + 4}" text-anchor="end">${a} %</text>`);
  }
  out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">compact file size (bytes, log scale)</text>`);
  out.push(`<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">top-1 ${esc(metric)} (%)</text>`);
  if (front.length) {
    const path = front.map((p, i) => (i === 0 ? `M${x(p.bytes)},${y(p.accuracy)}` : `H${x(p.bytes)}V${y(p.accuracy)}`)).join('');
    out.push(`<path d="${path}" fill="none" stroke="#1a9850" stroke-width="2" data-role="front"/>`);
  }
  // Front points last, so a point of the same size and accuracy does not hide one.
  for (const p of [...points.filter((q) => !front.includes(q)), ...points.filter((q) => front.includes(q))]) {
    out.push(`<circle cx="${x(p.bytes)}" cy="${y(p.accuracy)}" r="4" fill="${front.includes(p) ? '#1a9850' : '#888'}" data-role="point"><title>${esc(p.title)}</title></circle>`);
  }
  // The legend above the plot, where it covers no point.
  out.push(`<g transform="translate(${L} ${T - 12})"><circle cx="4" r="4" fill="#888"/><text x="12" y="4">sweep point</text><line x1="96" x2="116" stroke="#1a9850" stroke-width="2"/><circle cx="106" r="4" fill="#1a9850"/><text x="122" y="4">Pareto front</text></g>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
