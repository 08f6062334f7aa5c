import { memo, useCallback, useDeferredValue, useMemo, type ReactElement, type RefObject } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Symbols, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import { paretoFront } from '../state/pareto';
import { describePlan } from '../model/describePlan';
import { currentDataset, preprocessingKey, useStudio, type ChartPoint, type SizeFormat } from '../state/store';
import { formatBytes, formatMs, formatPercent } from './format';

/** A chart point with its axis values: accuracy in percent, and the bytes of the chosen export. */
type Plotted = ChartPoint & { accuracyPct: number; bytes: number };

/** What both charts draw, split by role; recomputed only when the points or the view change. */
interface ChartData {
  data: Plotted[];
  baseline: Plotted[];
  history: Plotted[];
  current: Plotted[];
  front: Plotted[];
  sizeDomain: [number, number];
  sizeTicks: number[];
  accDomain: [number, number];
  latencyDomain: [number, number];
  /** the y axis: top-1 accuracy, or (unlabelled data) top-1 agreement with the original */
  metric: 'accuracy' | 'agreement';
}

function PointTip({ active, payload }: { active?: boolean; payload?: { payload: ChartPoint }[] }) {
  if (!active || !payload?.length) return null;
  const p = payload[0].payload;
  return (
    <div className="chart-tip">
      <strong>{p.modelName}</strong>
      <div>{p.plan ? describePlan(p.plan) : 'original (baseline)'}</div>
      <div>{p.metric} {formatPercent(p.accuracy)} on {p.dataset}{p.meanKl !== undefined && p.kind !== 'baseline' ? ` · KL ${p.meanKl.toPrecision(3)}` : ''}</div>
      {p.kind === 'baseline' && p.openedBytes !== undefined && <div>the model as you opened it: {formatBytes(p.openedBytes)}</div>}
      <div>compact file {formatBytes(p.compactBytes)} · TF.js files {formatBytes(p.tfjsBytes)} (gzip {formatBytes(p.gzipBytes)})</div>
      <div>latency {formatMs(p.latencyMs)} on {p.backend}</div>
    </div>
  );
}

/**
 * A point's x on the size chart: the chosen export's bytes; for a baseline, the bytes of the files
 * the model was opened from in either view (what every ratio is measured against), when known.
 */
export function plottedBytes(p: ChartPoint, sizeFormat: SizeFormat): number {
  if (p.kind === 'baseline' && p.openedBytes !== undefined) return p.openedBytes;
  return sizeFormat === 'compact' ? p.compactBytes : p.tfjsBytes;
}

/**
 * The points of this model on this data set with their axes. Current = the newest live
 * compression while a plan is set (a new one replaces it once measured, so the star does not
 * jump to the baseline and back on every move), else the newest baseline.
 */
function chartData(points: readonly ChartPoint[], sizeFormat: SizeFormat, modelName: string | undefined, datasetId: string | undefined, preprocessing: string | undefined, planSet: boolean): ChartData {
  // Only points measured on the same data with the same preprocessing are comparable.
  const mine = points.filter((p) => p.modelName === modelName && p.dataset === datasetId && p.preprocessing === preprocessing);
  const current = [...mine].reverse().find((p) => p.kind === (planSet ? 'compressed' : 'baseline'))
    ?? [...mine].reverse().find((p) => p.kind === 'baseline');
  const data = mine.map((p) => ({ ...p, accuracyPct: p.accuracy * 100, bytes: plottedBytes(p, sizeFormat) }));
  // Explicit domains: log axes need positive padded bounds, and accuracy never exceeds 100 %.
  const sizes = data.map((p) => p.bytes);
  const sizeDomain: [number, number] = sizes.length ? [Math.min(...sizes) / 1.6, Math.max(...sizes) * 1.6] : [1e3, 1e7];
  // Log-axis ticks at 1-2-5 steps inside the domain (recharts' own ticks are linear).
  const sizeTicks = [1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8].flatMap((d) => [d, 2 * d, 5 * d]).filter((t) => t >= sizeDomain[0] && t <= sizeDomain[1]);
  const accMin = data.length ? Math.min(...data.map((p) => p.accuracyPct)) : 90;
  const latencies = data.map((p) => p.latencyMs);
  const others = data.filter((p) => p.id !== current?.id);
  return {
    data,
    baseline: others.filter((p) => p.kind === 'baseline'),
    history: others.filter((p) => p.kind !== 'baseline'),
    current: data.filter((p) => p.id === current?.id),
    front: paretoFront(data),
    sizeDomain,
    sizeTicks,
    accDomain: [Math.max(0, Math.floor((accMin - 1) / 5) * 5), 100],
    latencyDomain: latencies.length ? [0, Math.max(...latencies) * 1.2] : [0, 1],
    metric: mine.some((p) => p.metric === 'agreement') ? 'agreement' : 'accuracy',
  };
}

type ChartProps = { d: ChartData; onPoint: (entry: unknown) => void; surfaceRef?: RefObject<SVGSVGElement | null>; large?: boolean };

const tip = <Tooltip content={<PointTip />} />;
// No allowDataOverflow: the domains hold every point already, and with it recharts clips the
// markers at the plot's edge (a point near 100 % lost its top half and read as a ▼).
const axisY = (d: ChartData, large = false) => <YAxis type="number" dataKey="accuracyPct" name={d.metric} unit=" %" domain={d.accDomain} width={large ? 96 : 64} tick={large ? { fontSize: '1em' } : undefined} />;
/** The charts' margins: room above the top grid line for a marker at 100 %. */
const MARGIN = { top: 12, right: 16, bottom: 24, left: 0 };
/** The presentation view's margins: its tick labels are in the page's (large) type. */
const MARGIN_LARGE = { top: 16, right: 28, bottom: 40, left: 8 };

/** The baseline's marker area in px² (recharts symbol size): a small diamond, the same whatever its latency. */
const BASELINE_SIZE = 70;
/** The baseline's marker: a small diamond outlined in the panel colour, so it stays clear over a line or another point. */
function BaselineMarker({ cx, cy }: { cx?: number; cy?: number }) {
  if (cx === undefined || cy === undefined) return <g />;
  return <Symbols type="diamond" size={BASELINE_SIZE} cx={cx} cy={cy} fill="var(--text)" stroke="var(--panel)" strokeWidth={1.5} />;
}

/** The legend entries both charts share, drawn with the charts' own symbols. */
const LEGEND: { label: string; icon: ReactElement }[] = [
  { label: 'original (baseline)', icon: <Symbols type="diamond" size={BASELINE_SIZE} cx={8} cy={8} fill="var(--text)" /> },
  { label: 'current', icon: <Symbols type="star" size={90} cx={8} cy={8} fill="var(--accent)" /> },
  { label: 'earlier points', icon: <Symbols type="circle" size={60} cx={8} cy={8} fill="var(--muted)" /> },
  { label: 'Pareto front (size chart)', icon: <line x1={1} y1={8} x2={15} y2={8} stroke="var(--good)" strokeWidth={2} /> },
];

/** One legend for both charts, in the page under them (not inside a chart, where it covered the plot's top). */
function ChartLegend() {
  return (
    <ul className="chart-legend" aria-label="Legend" data-testid="chart-legend">
      {LEGEND.map(({ label, icon }) => (
        <li key={label}><svg width={16} height={16} aria-hidden="true">{icon}</svg>{label}</li>
      ))}
    </ul>
  );
}
const Metric = ({ d }: { d: ChartData }) => <>{d.metric === 'agreement' ? 'Agreement with the original' : 'Accuracy'}</>;

/** Accuracy against download size (log axis; bubble area = latency), with the Pareto front. */
const SizeChart = memo(function SizeChart({ d, onPoint, surfaceRef, large = false }: ChartProps) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ScatterChart ref={surfaceRef} margin={large ? MARGIN_LARGE : MARGIN}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis type="number" dataKey="bytes" name="size" scale="log" domain={d.sizeDomain} tickFormatter={formatBytes} ticks={d.sizeTicks} tick={large ? { fontSize: '1em' } : undefined}
          padding={large ? { left: 40, right: 8 } : undefined /* in large type a tick at the left edge met the y axis's bottom label */}
          label={{ value: 'bytes downloaded', position: 'insideBottom', offset: large ? -28 : -12 }} />
        {axisY(d, large)}
        <ZAxis type="number" dataKey="latencyMs" range={large ? [140, 700] : [60, 360]} name="latency" />
        {tip}
        <Scatter name="Pareto front" data={d.front} fill="none" line={{ stroke: 'var(--good)', strokeWidth: 2 }} lineType="joint" shape={() => <g />} legendType="line" isAnimationActive={false} />
        <Scatter name="baseline" data={d.baseline} fill="var(--text)" shape={BaselineMarker} onClick={onPoint} cursor="pointer" isAnimationActive={false} />
        <Scatter name="history" data={d.history} fill="var(--muted)" shape="circle" onClick={onPoint} cursor="pointer" isAnimationActive={false} />
        <Scatter name="current" data={d.current} fill="var(--accent)" shape="star" onClick={onPoint} cursor="pointer" isAnimationActive={false} />
      </ScatterChart>
    </ResponsiveContainer>
  );
});

/** Accuracy against batch-1 latency. */
const LatencyChart = memo(function LatencyChart({ d }: { d: ChartData }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ScatterChart margin={MARGIN}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis type="number" dataKey="latencyMs" name="latency" unit=" ms" domain={d.latencyDomain} tickFormatter={(v: number) => v.toPrecision(2)}
          label={{ value: 'median latency (ms)', position: 'insideBottom', offset: -12 }} />
        {axisY(d)}
        {tip}
        <Scatter name="baseline" data={d.baseline} fill="var(--text)" shape={BaselineMarker} isAnimationActive={false} />
        <Scatter name="history" data={d.history} fill="var(--muted)" isAnimationActive={false} />
        <Scatter name="current" data={d.current} fill="var(--accent)" shape="star" isAnimationActive={false} />
      </ScatterChart>
    </ResponsiveContainer>
  );
});

/** One row of the history table; points never change once measured, so a row renders once. */
const HistoryRow = memo(function HistoryRow({ p, restore }: { p: ChartPoint; restore: (id: number) => void }) {
  return (
    <tr data-kind={p.kind} data-testid={`point-${p.id}`}><td><button type="button" className="link" title="Restore these settings" aria-label={`Restore point ${p.id}`} onClick={() => restore(p.id)}>{p.id}</button></td><td>{p.modelName}</td><td>{p.plan ? describePlan(p.plan) : 'original'}</td><td>{p.backend}</td><td>{p.dataset}</td>
      <td title={p.metric === 'agreement' ? 'top-1 agreement with the original model (no labels)' : 'top-1 accuracy'}>{formatPercent(p.accuracy)}{p.metric === 'agreement' ? ' agree' : ''}</td>
      <td>{formatBytes(p.compactBytes)}</td><td>{formatBytes(p.tfjsBytes)}</td><td>{formatBytes(p.gzipBytes)}</td><td>{formatMs(p.latencyMs)}</td></tr>
  );
});

/** Every measured point, newest first. */
const HistoryTable = memo(function HistoryTable({ points, restore }: { points: readonly ChartPoint[]; restore: (id: number) => void }) {
  if (points.length === 0) return null;
  return (
    <table className="history" data-testid="history">
      <caption>Every evaluated point</caption>
      <thead><tr><th>#</th><th>model</th><th>compression</th><th>backend</th><th>data</th><th>top-1</th><th>compact</th><th>TF.js</th><th>TF.js gzip</th><th>latency</th></tr></thead>
      <tbody>
        {[...points].reverse().map((p) => <HistoryRow key={p.id} p={p} restore={restore} />)}
      </tbody>
    </table>
  );
});

/**
 * Accuracy against size and against latency, and the table of every point. Renders only when the
 * points or the view change — not on every control move or progress tick — and draws without
 * animation, so a new point costs one render; that render is a deferred (time-sliced) one, so
 * the charts never hold the main thread for long. `sizeChartRef` receives the size chart's SVG
 * (what "Chart PNG" saves).
 */
export function Charts({ sizeChartRef, variant = 'page' }: { sizeChartRef?: RefObject<SVGSVGElement | null>; variant?: 'page' | 'present' }) {
  const points = useDeferredValue(useStudio((s) => s.points));
  const sizeFormat = useStudio((s) => s.sizeFormat);
  const setSizeFormat = useStudio((s) => s.setSizeFormat);
  const restorePoint = useStudio((s) => s.restorePoint);
  const modelName = useStudio((s) => s.model?.name);
  const datasetId = useStudio((s) => s.datasetId);
  const preprocessing = useStudio((s) => {
    const entry = currentDataset(s);
    return entry ? preprocessingKey(entry) : undefined;
  });
  const planSet = useStudio((s) => s.plan !== undefined);
  const d = useMemo(() => chartData(points, sizeFormat, modelName, datasetId, preprocessing, planSet), [points, sizeFormat, modelName, datasetId, preprocessing, planSet]);
  const onPoint = useCallback((entry: unknown) => {
    const id = (entry as { payload?: ChartPoint; id?: number }).payload?.id ?? (entry as ChartPoint).id;
    if (typeof id === 'number') restorePoint(id);
  }, [restorePoint]);
  const attrs = { 'data-testid': 'charts', 'data-points': points.length, 'data-current': d.current[0]?.id ?? '', 'data-front': d.front.map((p) => p.id).join(',') };
  // The presentation view: the size chart alone, filling its box, in the page's large type; no controls, no table.
  if (variant === 'present') {
    return (
      <div className="charts-present" {...attrs}>
        <figure className="chart" aria-label="Accuracy against size">
          <figcaption><Metric d={d} /> vs size of the {sizeFormat === 'compact' ? 'compact file' : 'TF.js files'} <small>(log scale; bubble = latency)</small></figcaption>
          <div className="chart-box"><SizeChart d={d} onPoint={onPoint} large /></div>
        </figure>
        <ChartLegend />
      </div>
    );
  }
  return (
    <div className="charts-grid" {...attrs}>
      <figure className="chart" aria-label="Accuracy against size">
        <figcaption>
          <Metric d={d} /> vs size of the{' '}
          <select aria-label="Size of which export" data-testid="size-format" value={sizeFormat} onChange={(e) => setSizeFormat(e.target.value as SizeFormat)}>
            <option value="compact">compact file</option>
            <option value="tfjs">TF.js files</option>
          </select>{' '}
          <small>(log scale; bubble = latency)</small>
        </figcaption>
        <div className="chart-box"><SizeChart d={d} onPoint={onPoint} surfaceRef={sizeChartRef} /></div>
      </figure>
      <figure className="chart" aria-label="Accuracy against latency">
        <figcaption><Metric d={d} /> vs batch-1 latency</figcaption>
        <div className="chart-box"><LatencyChart d={d} /></div>
      </figure>
      <ChartLegend />
      <HistoryTable points={points} restore={restorePoint} />
    </div>
  );
}
