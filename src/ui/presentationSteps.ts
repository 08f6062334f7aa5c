/**
 * The presentation view's keyboard, as pure functions: which key does what (a presenter's clicker
 * sends PageDown / PageUp, a keyboard the arrows), and which preset a step lands on. Step −1 is
 * the original model (no plan); 0 … count − 1 are PRESET_LIST's presets in order.
 */
import type { CompressionPlan } from '../model/plan';
import { writeUrlSettings } from '../state/urlState';

/** What a key does: step to the next / previous preset, go to the original (Home) or the last preset (End), enter or leave the view. */
export type PresentAction = { type: 'step'; by: 1 | -1 } | { type: 'home' } | { type: 'end' } | { type: 'enter' } | { type: 'leave' };

/** The step of the original model (no plan). */
export const ORIGINAL = -1;

const NEXT = new Set(['ArrowRight', 'ArrowDown', 'PageDown']);
const PREVIOUS = new Set(['ArrowLeft', 'ArrowUp', 'PageUp']);

/** The key event's parts the choice depends on. */
export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  /** true when focus is in a text field, a select or a slider: its keys are its own */
  inField?: boolean;
}

/**
 * The action of a key press, or undefined when the key is not the view's. Outside the view only
 * F enters it; in it ←/↑/PageUp step back, →/↓/PageDown forward, Home goes to the original, End
 * to the last preset and Esc leaves. Keys with Ctrl, Alt or Meta (Ctrl+F finds, Alt+← goes back)
 * and keys typed into a field are never taken.
 */
export function keyAction(e: KeyPress, presenting: boolean): PresentAction | undefined {
  if (e.ctrlKey || e.altKey || e.metaKey || e.inField) return undefined;
  if (!presenting) return e.key === 'f' || e.key === 'F' ? { type: 'enter' } : undefined;
  if (NEXT.has(e.key)) return { type: 'step', by: 1 };
  if (PREVIOUS.has(e.key)) return { type: 'step', by: -1 };
  if (e.key === 'Home') return { type: 'home' };
  if (e.key === 'End') return { type: 'end' };
  if (e.key === 'Escape') return { type: 'leave' };
  return undefined;
}

/** A plan in one canonical text (its URL form, which round-trips every field), so equal plans compare equal however they were built. */
export const planKey = (plan: CompressionPlan | undefined): string => (plan ? writeUrlSettings({ plan }) : '');

/**
 * The step `plan` is: ORIGINAL for no plan, the index of the preset with the same plan, or
 * undefined for a plan of the user's own (set with the sliders).
 */
export function stepOf(plan: CompressionPlan | undefined, presets: readonly { plan: CompressionPlan }[]): number | undefined {
  if (!plan) return ORIGINAL;
  const key = planKey(plan);
  const i = presets.findIndex((p) => planKey(p.plan) === key);
  return i < 0 ? undefined : i;
}

/**
 * The step a step action lands on from step `from` (undefined: a plan of the user's own) among
 * `count` presets, or undefined when it stays where it is (at either end: a clicker pressed once
 * too often does nothing). From a plan of the user's own, forward goes to the first preset and
 * back to the original.
 */
export function stepTarget(from: number | undefined, action: PresentAction, count: number): number | undefined {
  let to: number;
  if (action.type === 'home') to = ORIGINAL;
  else if (action.type === 'end') to = count - 1;
  else if (action.type !== 'step') return undefined;
  else if (from === undefined) to = action.by > 0 ? 0 : ORIGINAL;
  else to = Math.min(count - 1, Math.max(ORIGINAL, from + action.by));
  return to === from ? undefined : to;
}
