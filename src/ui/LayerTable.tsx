import { memo, useCallback, useMemo } from 'react';
import type { CompressedLayer } from '../model/compress/session';
import type { LayerRow as LayerInfo } from '../model/modelInfo';
import type { LayerOverride } from '../model/plan';
import { LAYER_FIELDS } from '../model/planFields';
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

/**
 * The per-layer overrides the table offers, from the plan settings table: exclude, and each
 * override with a list of choices (prune ratio, bits). Each input is named with its layer,
 * e.g. "Prune ratio for fc1", "Bits for fc1", "Exclude fc1".
 */
const OVERRIDES = LAYER_FIELDS.filter(({ spec }) => spec.key === 'exclude' || spec.choices);
/** The hint-loss flag (offered while the plan distils). */
const HINT = LAYER_FIELDS.find(({ spec }) => spec.key === 'hint')?.spec ?? { name: 'Hint loss', label: 'hint' };

interface RowProps {
  layer: LayerInfo;
  /** whether the table shows the compressed columns */
  shown: boolean;
  row: Compressed;
  factor: Compressed;
  override: LayerOverride | undefined;
  sweeping: boolean;
  /** the plan distils: each layer offers a hint loss (its output matched to the original's) */
  distilling: boolean;
  onOverride: (layer: string, change: Partial<LayerOverride>) => void;
}

/**
 * One layer (and its low-rank factor's row above it, if any). Memoised: a control move changes the
 * plan but not this layer's override or figures, so only the rows that changed render again.
 */
const LayerRow = memo(function LayerRow({ layer: l, shown, row, factor, override, sweeping, distilling, onOverride }: RowProps) {
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
              {OVERRIDES.map(({ spec, field }) => (spec.key === 'exclude'
                ? <label key={spec.key}><input type="checkbox" data-testid={`exclude-${l.name}`} aria-label={`${spec.name} ${l.name}`} checked={Boolean(override?.exclude)}
                  onChange={(e) => onOverride(l.name, { exclude: e.target.checked || undefined })} /> {spec.label}</label>
                : <label key={spec.key}>{spec.label}
                  <select data-testid={`${spec.label}-${l.name}`} aria-label={`${spec.name} for ${l.name}`} value={(override?.[spec.key] as number | undefined) ?? ''}
                    onChange={(e) => onOverride(l.name, { [spec.key]: e.target.value === '' ? undefined : Number(e.target.value) })}>
                    <option value="">plan</option>
                    {spec.choices?.map((v) => <option key={v} value={v}>{field?.control?.scale === 100 ? `${Math.round(v * 100)} %` : v}</option>)}
                  </select>
                </label>))}
              {distilling && (
                <label title="Distillation also matches this layer's output to the original's (MSE), where their shapes agree">
                  <input type="checkbox" data-testid={`hint-${l.name}`} aria-label={`${HINT.name} ${l.name}`} checked={Boolean(override?.hint)}
                    onChange={(e) => onOverride(l.name, { hint: e.target.checked || undefined })} /> {HINT.label}</label>
              )}
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
  const distilling = useStudio((s) => Boolean(s.plan?.distill));
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
            override={overrides?.[l.name]} sweeping={sweeping} distilling={distilling} onOverride={override} />
        ))}
      </tbody>
    </table>
  );
}
