import { memo, useCallback, useMemo } from 'react';
import type { CompressedLayer } from '../model/compress/session';
import type { LayerRow as LayerInfo } from '../model/modelInfo';
import type { LayerOverride } from '../model/plan';
import { useStudio } from '../state/store';
import { formatBytes, formatCount, formatPercent } from './format';

/** A row of the compressed columns, as the summary gives it. */
type Compressed = CompressedLayer | undefined;

/** The compressed columns of one layer (or of a low-rank factor). */
function CompressedCells({ r }: { r: Compressed }) {
  if (!r) return <td colSpan={5} className="muted">no weights</td>;
  return (
    <>
      <td>{r.structure ?? ''}</td>
      <td className="num" data-testid="layer-sparsity" data-value={r.sparsity}>{formatPercent(r.sparsity, 1)}</td>
      <td>{r.excluded ? 'excluded' : r.kind === 'codebook' ? `${r.bits}-bit codebook` : r.kind === 'affine' ? `${r.bits}-bit int` : r.kind}</td>
      <td className="num">{formatBytes(r.tfjsBytes)}</td><td className="num">{formatBytes(r.compactBytes)}</td>
    </>
  );
}

const compressible = (className: string, params: number) => params > 0 && /Dense|Conv/.test(className);

interface RowProps {
  layer: LayerInfo;
  /** whether the table shows the compressed columns */
  shown: boolean;
  row: Compressed;
  factor: Compressed;
  override: LayerOverride | undefined;
  sweeping: boolean;
  onOverride: (layer: string, change: Partial<LayerOverride>) => void;
}

/**
 * One layer (and its low-rank factor's row above it, if any). Memoised: a control move changes the
 * plan but not this layer's override or figures, so only the rows that changed render again.
 */
const LayerRow = memo(function LayerRow({ layer: l, shown, row, factor, override, sweeping, onOverride }: RowProps) {
  return (
    <>
      {shown && factor && (
        <tr className="sub-row" data-testid={`layer-${l.name}_lr`}>
          <td>{l.name}_lr</td><td>Dense / 1×1 factor</td><td></td><td className="num">{formatCount(factor.params)}</td><td></td><td></td><CompressedCells r={factor} />
        </tr>
      )}
      <tr data-testid={`layer-${l.name}`}>
        <td>{l.name}</td><td>{l.className}</td><td>{l.outputShape}</td><td className="num">{formatCount(l.params)}</td><td className="num">{formatBytes(l.bytes)}</td>
        <td className="override">
          {compressible(l.className, l.params) && (
            <fieldset disabled={sweeping} aria-label={`Overrides for ${l.name}`}>
              <label><input type="checkbox" data-testid={`exclude-${l.name}`} checked={Boolean(override?.exclude)}
                onChange={(e) => onOverride(l.name, { exclude: e.target.checked || undefined })} /> exclude</label>
              <label>prune
                <select data-testid={`prune-${l.name}`} value={override?.prune ?? ''} onChange={(e) => onOverride(l.name, { prune: e.target.value === '' ? undefined : Number(e.target.value) })}>
                  <option value="">plan</option>
                  {[0, 0.5, 0.7, 0.8, 0.9, 0.95].map((r) => <option key={r} value={r}>{Math.round(r * 100)} %</option>)}
                </select>
              </label>
              <label>bits
                <select data-testid={`bits-${l.name}`} value={override?.bits ?? ''} onChange={(e) => onOverride(l.name, { bits: e.target.value === '' ? undefined : Number(e.target.value) })}>
                  <option value="">plan</option>
                  {[16, 8, 6, 4, 3, 2].map((b) => <option key={b} value={b}>{b}</option>)}
                </select>
              </label>
            </fieldset>
          )}
        </td>
        {shown && <CompressedCells r={row} />}
      </tr>
    </>
  );
});

/**
 * The model's layers: name, class, output shape, parameters and bytes in the weight files; with a
 * compression, each layer's sparsity, bits per stored value and bytes in both export formats.
 */
export function LayerTable() {
  const model = useStudio((s) => s.model);
  // The rows only: the gzip/zip sizes filling in later do not touch this table.
  const layers = useStudio((s) => s.compressed?.layers);
  const overrides = useStudio((s) => s.plan?.layers);
  const setPlan = useStudio((s) => s.setPlan);
  const sweeping = useStudio((s) => Boolean(s.sweep?.running));
  /** Sets (or clears) one field of a layer's override; empty overrides disappear from the plan. */
  const override = useCallback((layer: string, change: Partial<LayerOverride>) => {
    const base = useStudio.getState().plan ?? { version: 1 as const };
    const next: LayerOverride = { ...base.layers?.[layer], ...change };
    for (const k of Object.keys(next) as (keyof LayerOverride)[]) if (next[k] === undefined || next[k] === false) delete next[k];
    const layers = { ...base.layers, [layer]: next };
    if (Object.keys(next).length === 0) delete layers[layer];
    const merged = { ...base, layers: Object.keys(layers).length ? layers : undefined };
    if (!merged.layers) delete merged.layers;
    setPlan(Object.keys(merged).length > 1 ? merged : undefined);
  }, [setPlan]);
  const rows = useMemo(() => new Map(layers?.map((l) => [l.name, l])), [layers]);
  if (!model) return null;
  const shown = layers !== undefined;
  return (
    <table className="layer-table" data-testid="layer-table">
      <caption>Layers of {model.name}: {formatCount(model.params)} parameters, input {JSON.stringify(model.inputShape).replace(/-1/g, 'N')}</caption>
      <thead>
        <tr>
          <th scope="col">layer</th><th scope="col">class</th><th scope="col">output shape</th><th scope="col">parameters</th><th scope="col">bytes (float32)</th>
          <th scope="col">override</th>
          {shown && <><th scope="col">structure</th><th scope="col">sparsity</th><th scope="col">stored as</th><th scope="col">TF.js bytes</th><th scope="col">compact bytes</th></>}
        </tr>
      </thead>
      <tbody>
        {model.layers.map((l) => (
          <LayerRow key={l.name} layer={l} shown={shown} row={rows.get(l.name)} factor={rows.get(`${l.name}_lr`)}
            override={overrides?.[l.name]} sweeping={sweeping} onOverride={override} />
        ))}
      </tbody>
    </table>
  );
}
