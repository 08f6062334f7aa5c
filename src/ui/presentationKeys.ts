/**
 * The presentation view's keys, on the window: F enters the view; in it the arrows and PageUp /
 * PageDown (what a presenter's clicker sends) step through the presets, Home goes back to the
 * original, End to the last preset, Esc leaves. A step applies the preset as a click on its button
 * does (Presets.tsx): the store's setPlan with a copy of the preset's plan, or no plan for the original.
 */
import { useEffect } from 'react';
import { PRESET_LIST } from '../model/presets';
import { useStudio } from '../state/store';
import { isPresenting, setPresenting } from './presentationMode';
import { keyAction, ORIGINAL, stepOf, stepTarget } from './presentationSteps';

/** Inputs that take keys themselves (a slider takes the arrows, a text field the letters); checkboxes and buttons do not. */
function inField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'file'].includes(target.type);
}

/** Sets the plan of step `to` (ORIGINAL: none), as the preset's button (or Reset) would. */
export function applyStep(to: number) {
  const s = useStudio.getState();
  if (!s.model) return;
  s.setPlan(to === ORIGINAL ? undefined : structuredClone(PRESET_LIST[to].plan));
}

/** Listens for the presentation view's keys while mounted (App mounts it once). */
export function usePresentationKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const presenting = isPresenting();
      const action = keyAction({ key: e.key, ctrlKey: e.ctrlKey, altKey: e.altKey, metaKey: e.metaKey, inField: inField(e.target) }, presenting);
      if (!action) return;
      e.preventDefault(); // PageDown, Home and the arrows would scroll the page
      if (action.type === 'enter' || action.type === 'leave') {
        setPresenting(action.type === 'enter');
        return;
      }
      const to = stepTarget(stepOf(useStudio.getState().plan, PRESET_LIST), action, PRESET_LIST.length);
      if (to !== undefined) applyStep(to);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
