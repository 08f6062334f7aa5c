import { useStudio } from '../state/store';

/** Confusion matrix: rows are true labels, columns predictions; shading by share of the row. */
export function Confusion() {
  const ev = useStudio((s) => s.evaluation);
  const datasets = useStudio((s) => s.datasets);
  if (!ev || !ev.labelled) return null;
  const classes = datasets.find((d) => d.id === ev.dataset)?.classes ?? ev.confusion.map((_, i) => String(i));
  return (
    <details className="confusion" data-testid="confusion">
      <summary>Confusion matrix</summary>
      <table>
        <thead><tr><th scope="col">true \ predicted</th>{classes.map((c, j) => <th key={j} scope="col" title={c}>{c.slice(0, 3)}</th>)}</tr></thead>
        <tbody>
          {ev.confusion.map((row, i) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={i}>
                <th scope="row" title={classes[i]}>{classes[i]}</th>
                {row.map((n, j) => (
                  <td key={j} style={{ background: `color-mix(in srgb, ${i === j ? 'var(--good)' : 'var(--bad)'} calc(var(--heat) * ${(n / total).toFixed(3)}), transparent)` }}>{n}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
