import { useStudio } from '../state/store';
import { formatBytes, formatCount, formatPercent } from './format';

/**
 * The model's layers: name, class, output shape, parameters and bytes in the weight files; with a
 * compression, each layer's sparsity, bits per stored value and bytes in both export formats.
 */
export function LayerTable() {
  const model = useStudio((s) => s.model);
  const compressed = useStudio((s) => s.compressed);
  if (!model) return null;
  const rows = new Map(compressed?.layers.map((l) => [l.name, l]));
  return (
    <table className="layer-table" data-testid="layer-table">
      <caption>Layers of {model.name}: {formatCount(model.params)} parameters, input {JSON.stringify(model.inputShape).replace(/-1/g, 'N')}</caption>
      <thead>
        <tr>
          <th scope="col">layer</th><th scope="col">class</th><th scope="col">output shape</th><th scope="col">parameters</th><th scope="col">bytes (float32)</th>
          {compressed && <><th scope="col">structure</th><th scope="col">sparsity</th><th scope="col">stored as</th><th scope="col">TF.js bytes</th><th scope="col">compact bytes</th></>}
        </tr>
      </thead>
      <tbody>
        {model.layers.flatMap((l) => {
          const c = rows.get(l.name);
          const factor = rows.get(`${l.name}_lr`);
          const cells = (r: typeof c) => (r ? (
            <>
              <td>{r.structure ?? ''}</td>
              <td className="num" data-testid="layer-sparsity" data-value={r.sparsity}>{formatPercent(r.sparsity, 1)}</td>
              <td>{r.excluded ? 'excluded' : r.kind === 'codebook' ? `${r.bits}-bit codebook` : r.kind === 'affine' ? `${r.bits}-bit int` : r.kind}</td>
              <td className="num">{formatBytes(r.tfjsBytes)}</td><td className="num">{formatBytes(r.compactBytes)}</td>
            </>
          ) : <td colSpan={5} className="muted">no weights</td>);
          const out = [
            <tr key={l.name} data-testid={`layer-${l.name}`}>
              <td>{l.name}</td><td>{l.className}</td><td>{l.outputShape}</td><td className="num">{formatCount(l.params)}</td><td className="num">{formatBytes(l.bytes)}</td>
              {compressed && cells(c)}
            </tr>,
          ];
          if (compressed && factor) {
            out.unshift(
              <tr key={`${l.name}_lr`} className="sub-row" data-testid={`layer-${l.name}_lr`}>
                <td>{l.name}_lr</td><td>Dense / 1×1 factor</td><td></td><td className="num">{formatCount(factor.params)}</td><td></td>{cells(factor)}
              </tr>,
            );
          }
          return out;
        })}
      </tbody>
    </table>
  );
}
