import { useId } from 'react';
import { PRESET_LIST, presetDescription } from '../model/presets';
import { useStudio } from '../state/store';

/**
 * The presets as a list: each button with one line under it saying what the plan does and what
 * it costs (also the button's accessible description), then Reset. A click sets the preset's plan.
 */
export function Presets() {
  const plan = useStudio((s) => s.plan);
  const setPlan = useStudio((s) => s.setPlan);
  const model = useStudio((s) => s.model);
  const id = useId();
  return (
    <div className="presets" role="group" aria-label="Presets">
      <ul className="preset-list">
        {PRESET_LIST.map((p, i) => (
          <li key={p.name}>
            <button type="button" onClick={() => setPlan(structuredClone(p.plan))} disabled={!model} aria-describedby={`${id}-${i}`}>{p.name}</button>
            <small id={`${id}-${i}`} className="preset-note">{presetDescription(p)}</small>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => setPlan(undefined)} disabled={!plan}>Reset</button>
    </div>
  );
}
