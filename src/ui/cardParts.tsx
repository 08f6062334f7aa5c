/**
 * The parts every technique card is built of: the card itself (an on/off checkbox in its legend),
 * a slider and a select named by their visible labels, and the conversions between a plan field's
 * value and its slider position (from the settings table, src/model/planFields.ts).
 */
import { useId, type ReactNode } from 'react';
import { field, type ControlRange } from '../model/planFields';

/**
 * A technique's card titled `title`: a checkbox that turns it on, and its settings while on.
 * `unavailable` says why it cannot be turned on; `action` (shown on or off) is what would make it available.
 */
export function Card({ title, on, onToggle, children, testId, unavailable, action }: {
  title: string; on: boolean; onToggle: (on: boolean) => void; children: ReactNode; testId: string; unavailable?: string; action?: ReactNode;
}) {
  return (
    <fieldset className={`card ${on ? 'on' : 'off'}`} data-testid={testId}>
      <legend><label><input type="checkbox" checked={on} disabled={Boolean(unavailable) && !on} onChange={(e) => onToggle(e.target.checked)} /> {title}</label></legend>
      {unavailable && <p className="hint" role="note">{unavailable}</p>}
      {action}
      {on && children}
    </fieldset>
  );
}

/**
 * A slider over a field's control range (settings table). Its accessible name is the label text
 * (aria-labelledby: the <output> beside it is not part of the name) and its value text is what
 * the <output> shows.
 */
export function Slider({ label, value, range, display, onChange, testId, disabled }: {
  label: string; value: number; range: ControlRange; display: string; onChange: (v: number) => void; testId: string; disabled?: boolean;
}) {
  const id = useId();
  return (
    <label className="slider">
      <span><span id={id}>{label}</span> <output data-testid={`${testId}-value`}>{display}</output></span>
      <input type="range" min={range.min} max={range.max} step={range.step} value={value} data-testid={testId} disabled={disabled}
        aria-labelledby={id} aria-valuetext={display} onChange={(e) => onChange(Number(e.target.value))} />
    </label>
  );
}

/** A select named by its visible label text (not by the selected option, which a wrapping label would add); `disabled` options are shown greyed. */
export function Choice({ label, value, options, onChange, testId, disabled }: {
  label: string; value: string; options: [value: string, text: string][]; onChange: (v: string) => void; testId: string; disabled?: (value: string) => boolean;
}) {
  const id = useId();
  return (
    <label className="option"><span id={id}>{label}</span>
      <select value={value} data-testid={testId} aria-labelledby={id} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => <option key={v} value={v} disabled={disabled?.(v)}>{text}</option>)}
      </select>
    </label>
  );
}

/** A field's enum options as [value, label] pairs, for `values` (default: all of them). */
export const optionsOf = (id: string, values?: string[]): [string, string][] => {
  const f = field(id);
  return (values ?? Object.keys(f.options ?? {})).map((v) => [v, f.options?.[v] ?? v]);
};

/** A fraction as whole percent text: 0.5 → "50 %". */
export const percentOf = (x: number) => `${Math.round(x * 100)} %`;

/** A field's value → its slider position, by the field's control range (× scale, or log2). */
export const toSlider = (id: string, x: number) => {
  const c = field(id).control as ControlRange;
  return Math.round(c.log2 ? Math.log2(x) : x * (c.scale ?? 1));
};

/** A slider position → the field's value. */
export const fromSlider = (id: string, v: number) => {
  const c = field(id).control as ControlRange;
  return c.log2 ? 2 ** v : v / (c.scale ?? 1);
};
