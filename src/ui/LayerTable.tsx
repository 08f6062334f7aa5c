import type { LayerOverride } from '../model/plan';
import { useStudio } from '../state/store';
import { formatBytes, formatCount, formatPercent } from './format';

/**
 * The model's layers: name, class, output shape, parameters and bytes in the weight files; with a
 * compression, each layer's sparsity, bits per stored value and bytes in both export formats.
 */
export function LayerTable() {
  const model = useStudio((s) => s.model);
  const compressed = useStudio((s) => s.compressed);
  const plan = useStudio((s) => s.plan);
  const setPlan = useStudio((s) => s.setPlan);
  const sweeping = useStudio((s) => Boolean(s.sweep?.running));
  if (!model) return null;
  /** Sets (or clears) one field of a layer's override; empty overrides disappear from the plan. */
  const override = (layer: string, change: Partial<LayerOverride>) => {
    const base = plan ?? { version: 1 as const };
    const next: LayerOverride = { ...base.layers?.[layer], ...change };
    for (const k of Object.keys(next) as (keyof LayerOverride)[]) if (next[k] === undefined || next[k] === false) delete next[k];
    const layers = { ...base.layers, [layer]: next };
    if (Object.keys(next).length === 0) delete layers[layer];
    const merged = { ...base, layers: Object.keys(layers).length ? layers : undefined };
    if (!merged.layers) delete merged.layers;
    setPlan(Object.keys(merged).length > 1 ? merged : undefined);
  };
  const compressible = (className: string, params: number) => params > 0 && /Dense|Conv/.test(className);
  const rows = new Map(compressed?.layers.map((l) => [l.name, l]));
  return (
    <table className="layer-table" data-testid="layer-table">
      <caption>Layers of {model.name}: {formatCount(model.params)} parameters, input {JSON.stringify(model.inputShape).replace(/-1/g, 'N')}</caption>
      <thead>
        <tr>
          <th scope="col">layer</th><th scope="col">class</th><th scope="col">output shape</th><th scope="col">parameters</th><th scope="col">bytes (float32)</th>
          <th scope="col">override</th>
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
              <td className="override">
                {compressible(l.className, l.params) && (
                  <fieldset disabled={sweeping} aria-label={`Overrides for ${l.name}`}>
                    <label><input type="checkbox" data-testid={`exclude-${l.name}`} checked={Boolean(plan?.layers?.[l.name]?.exclude)}
                      onChange={(e) => override(l.name, { exclude: e.target.checked || undefined })} /> exclude</label>
                    <label>prune
                      <select data-testid={`prune-${l.name}`} value={plan?.layers?.[l.name]?.prune ?? ''} onChange={(e) => override(l.name, { prune: e.target.value === '' ? undefined : Number(e.target.value) })}>
                        <option value="">plan</option>
                        {[0, 0.5, 0.7, 0.8, 0.9, 0.95].map((r) => <option key={r} value={r}>{Math.round(r * 100)} %</option>)}
                      </select>
                    </label>
                    <label>bits
                      <select data-testid={`bits-${l.name}`} value={plan?.layers?.[l.name]?.bits ?? ''} onChange={(e) => override(l.name, { bits: e.target.value === '' ? undefined : Number(e.target.value) })}>
                        <option value="">plan</option>
                        {[16, 8, 6, 4, 3, 2].map((b) => <option key={b} value={b}>{b}</option>)}
                      </select>
                    </label>
                  </fieldset>
                )}
              </td>
              {compressed && cells(c)}
            </tr>,
          ];
          if (compressed && factor) {
            out.unshift(
              <tr key={`${l.name}_lr`} className="sub-row" data-testid={`layer-${l.name}_lr`}>
                <td>{l.name}_lr</td><td>Dense / 1×1 factor</td><td></td><td className="num">{formatCount(factor.params)}</td><td></td><td></td>{cells(factor)}
              </tr>,
            );
          }
          return out;
        })}
      </tbody>
    </table>
  );
}
