import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import { useStudio, type ChartPoint } from '../state/store';
import { formatBytes, formatMs, formatPercent } from './format';

function PointTip({ active, payload }: { active?: boolean; payload?: { payload: ChartPoint }[] }) {
  if (!active || !payload?.length) return null;
  const p = payload[0].payload;
  return (
    <div className="chart-tip">
      <strong>{p.modelName}</strong>
      <div>accuracy {formatPercent(p.accuracy)} on {p.dataset}</div>
      <div>size {formatBytes(p.bytes)} (gzip {formatBytes(p.gzipBytes)})</div>
      <div>latency {formatMs(p.latencyMs)} on {p.backend}</div>
    </div>
  );
}

/** Accuracy against download size (log axis; bubble area = latency) and against latency. */
export function Charts() {
  const points = useStudio((s) => s.points);
  const current = points[points.length - 1];
  const data = points.map((p) => ({ ...p, accuracyPct: p.accuracy * 100 }));
  const axisY = <YAxis type="number" dataKey="accuracyPct" name="accuracy" unit=" %" domain={['auto', 'auto']} width={64} />;
  const tip = <Tooltip content={<PointTip />} />;
  const currentData = current ? [{ ...current, accuracyPct: current.accuracy * 100 }] : [];
  const historyData = data.slice(0, -1);
  return (
    <div className="charts-grid" data-testid="charts" data-points={points.length}>
      <figure className="chart" aria-label="Accuracy against size">
        <figcaption>Accuracy vs download size <small>(log scale; bubble = latency)</small></figcaption>
        <ResponsiveContainer width="100%" height={260}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" dataKey="bytes" name="size" scale="log" domain={['auto', 'auto']} tickFormatter={formatBytes}
              label={{ value: 'bytes downloaded', position: 'insideBottom', offset: -12 }} allowDataOverflow />
            {axisY}
            <ZAxis type="number" dataKey="latencyMs" range={[60, 360]} name="latency" />
            {tip}
            <Legend verticalAlign="top" height={24} />
            <Scatter name="history" data={historyData} fill="var(--muted)" shape="circle" />
            <Scatter name="current" data={currentData} fill="var(--accent)" shape="diamond" />
          </ScatterChart>
        </ResponsiveContainer>
      </figure>
      <figure className="chart" aria-label="Accuracy against latency">
        <figcaption>Accuracy vs batch-1 latency</figcaption>
        <ResponsiveContainer width="100%" height={260}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" dataKey="latencyMs" name="latency" unit=" ms" domain={['auto', 'auto']}
              label={{ value: 'median latency (ms)', position: 'insideBottom', offset: -12 }} />
            {axisY}
            {tip}
            <Scatter name="history" data={historyData} fill="var(--muted)" />
            <Scatter name="current" data={currentData} fill="var(--accent)" shape="diamond" />
          </ScatterChart>
        </ResponsiveContainer>
      </figure>
      {points.length > 0 && (
        <table className="history" data-testid="history">
          <caption>Every evaluated point</caption>
          <thead><tr><th>#</th><th>model</th><th>backend</th><th>accuracy</th><th>bytes</th><th>gzip</th><th>latency</th></tr></thead>
          <tbody>
            {[...points].reverse().map((p) => (
              <tr key={p.id}><td>{p.id}</td><td>{p.modelName}</td><td>{p.backend}</td><td>{formatPercent(p.accuracy)}</td>
                <td>{formatBytes(p.bytes)}</td><td>{formatBytes(p.gzipBytes)}</td><td>{formatMs(p.latencyMs)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
