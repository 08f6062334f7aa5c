import { useStudio } from '../state/store';
import { formatBytes, formatCount } from './format';

/** The model's layers: name, class, output shape, parameters and bytes in the weight files. */
export function LayerTable() {
  const model = useStudio((s) => s.model);
  if (!model) return null;
  return (
    <table className="layer-table" data-testid="layer-table">
      <caption>Layers of {model.name}: {formatCount(model.params)} parameters, input {JSON.stringify(model.inputShape).replace(/-1/g, 'N')}</caption>
      <thead><tr><th scope="col">layer</th><th scope="col">class</th><th scope="col">output shape</th><th scope="col">parameters</th><th scope="col">bytes</th></tr></thead>
      <tbody>
        {model.layers.map((l) => (
          <tr key={l.name}>
            <td>{l.name}</td><td>{l.className}</td><td>{l.outputShape}</td><td className="num">{formatCount(l.params)}</td><td className="num">{formatBytes(l.bytes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
