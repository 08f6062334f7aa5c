import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import { paretoFront } from '../state/pareto';
import { describePlan, useStudio, type ChartPoint } from '../state/store';
import { formatBytes, formatMs, formatPercent } from './format';

function PointTip({ active, payload }: { active?: boolean; payload?: { payload: ChartPoint }[] }) {
  if (!active || !payload?.length) return null;
  const p = payload[0].payload;
  return (
    <div className="chart-tip">
      <strong>{p.modelName}</strong>
      <div>{p.plan ? describePlan(p.plan) : 'original (baseline)'}</div>
      <div>accuracy {formatPercent(p.accuracy)} on {p.dataset}</div>
      <div>compact file {formatBytes(p.compactBytes)} · TF.js files {formatBytes(p.tfjsBytes)} (gzip {formatBytes(p.gzipBytes)})</div>
      <div>latency {formatMs(p.latencyMs)} on {p.backend}</div>
    </div>
  );
}

/** Accuracy against download size (log axis; bubble area = latency) and against latency. */
export function Charts() {
  const points = useStudio((s) => s.points);
  const sizeFormat = useStudio((s) => s.sizeFormat);
  const setSizeFormat = useStudio((s) => s.setSizeFormat);
  const restorePoint = useStudio((s) => s.restorePoint);
  const model = useStudio((s) => s.model);
  const datasetId = useStudio((s) => s.datasetId);
  const plan = useStudio((s) => s.plan);
  const compressedEval = useStudio((s) => s.compressedEval);
  const withAxes = (p: ChartPoint) => ({ ...p, accuracyPct: p.accuracy * 100, bytes: sizeFormat === 'compact' ? p.compactBytes : p.tfjsBytes });
  // The chart shows this model on this data set; the table below lists every point ever measured.
  const mine = points.filter((p) => p.modelName === model?.name && p.dataset === datasetId);
  // Current = what the numbers panel shows: the live compression once measured, else the baseline.
  const current = [...mine].reverse().find((p) => (plan && compressedEval ? p.kind === 'compressed' : p.kind === 'baseline'));
  const data = mine.map(withAxes);
  // Explicit domains: log axes need positive padded bounds, and accuracy never exceeds 100 %.
  const sizes = data.map((p) => p.bytes);
  const sizeDomain: [number, number] = sizes.length ? [Math.min(...sizes) / 1.6, Math.max(...sizes) * 1.6] : [1e3, 1e7];
  // Log-axis ticks at 1-2-5 steps inside the domain (recharts' own ticks are linear).
  const sizeTicks = [1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8].flatMap((d) => [d, 2 * d, 5 * d]).filter((t) => t >= sizeDomain[0] && t <= sizeDomain[1]);
  const accMin = data.length ? Math.min(...data.map((p) => p.accuracyPct)) : 90;
  const accDomain: [number, number] = [Math.max(0, Math.floor((accMin - 1) / 5) * 5), 100];
  const latencies = data.map((p) => p.latencyMs);
  const latencyDomain: [number, number] = latencies.length ? [0, Math.max(...latencies) * 1.2] : [0, 1];
  const axisY = <YAxis type="number" dataKey="accuracyPct" name="accuracy" unit=" %" domain={accDomain} width={64} allowDataOverflow />;
  const tip = <Tooltip content={<PointTip />} />;
  const currentData = current ? [withAxes(current)] : [];
  const others = data.filter((p) => p.id !== current?.id);
  const baselineData = others.filter((p) => p.kind === 'baseline');
  const historyData = others.filter((p) => p.kind !== 'baseline');
  const front = paretoFront(data);
  const onPoint = (entry: unknown) => {
    const id = (entry as { payload?: ChartPoint; id?: number }).payload?.id ?? (entry as ChartPoint).id;
    if (typeof id === 'number') restorePoint(id);
  };
  return (
    <div className="charts-grid" data-testid="charts" data-points={points.length} data-current={current?.id ?? ''} data-front={front.map((p) => p.id).join(',')}>
      <figure className="chart" aria-label="Accuracy against size">
        <figcaption>
          Accuracy vs size of the{' '}
          <select aria-label="Size of which export" data-testid="size-format" value={sizeFormat} onChange={(e) => setSizeFormat(e.target.value as 'compact' | 'tfjs')}>
            <option value="compact">compact file</option>
            <option value="tfjs">TF.js files</option>
          </select>{' '}
          <small>(log scale; bubble = latency)</small>
        </figcaption>
        <ResponsiveContainer width="100%" height={260}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" dataKey="bytes" name="size" scale="log" domain={sizeDomain} tickFormatter={formatBytes} ticks={sizeTicks}
              label={{ value: 'bytes downloaded', position: 'insideBottom', offset: -12 }} allowDataOverflow />
            {axisY}
            <ZAxis type="number" dataKey="latencyMs" range={[60, 360]} name="latency" />
            {tip}
            <Legend verticalAlign="top" height={24} />
            <Scatter name="Pareto front" data={front} fill="none" line={{ stroke: 'var(--good)', strokeWidth: 2 }} lineType="joint" shape={() => <g />} legendType="line" isAnimationActive={false} />
            <Scatter name="baseline" data={baselineData} fill="var(--text)" shape="diamond" onClick={onPoint} cursor="pointer" isAnimationActive={false} />
            <Scatter name="history" data={historyData} fill="var(--muted)" shape="circle" onClick={onPoint} cursor="pointer" isAnimationActive={false} />
            <Scatter name="current" data={currentData} fill="var(--accent)" shape="star" onClick={onPoint} cursor="pointer" isAnimationActive={false} />
          </ScatterChart>
        </ResponsiveContainer>
      </figure>
      <figure className="chart" aria-label="Accuracy against latency">
        <figcaption>Accuracy vs batch-1 latency</figcaption>
        <ResponsiveContainer width="100%" height={260}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" dataKey="latencyMs" name="latency" unit=" ms" domain={latencyDomain} tickFormatter={(v: number) => v.toPrecision(2)}
              label={{ value: 'median latency (ms)', position: 'insideBottom', offset: -12 }} />
            {axisY}
            {tip}
            <Scatter name="baseline" data={baselineData} fill="var(--text)" shape="diamond" />
            <Scatter name="history" data={historyData} fill="var(--muted)" />
            <Scatter name="current" data={currentData} fill="var(--accent)" shape="star" />
          </ScatterChart>
        </ResponsiveContainer>
      </figure>
      {points.length > 0 && (
        <table className="history" data-testid="history">
          <caption>Every evaluated point</caption>
          <thead><tr><th>#</th><th>model</th><th>compression</th><th>backend</th><th>accuracy</th><th>compact</th><th>TF.js</th><th>TF.js gzip</th><th>latency</th></tr></thead>
          <tbody>
            {[...points].reverse().map((p) => (
              <tr key={p.id} data-kind={p.kind} data-testid={`point-${p.id}`}><td><button type="button" className="link" title="Restore these settings" onClick={() => restorePoint(p.id)}>{p.id}</button></td><td>{p.modelName}</td><td>{p.plan ? describePlan(p.plan) : 'original'}</td><td>{p.backend}</td><td>{formatPercent(p.accuracy)}</td>
                <td>{formatBytes(p.compactBytes)}</td><td>{formatBytes(p.tfjsBytes)}</td><td>{formatBytes(p.gzipBytes)}</td><td>{formatMs(p.latencyMs)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
