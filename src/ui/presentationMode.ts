/**
 * Whether the page shows the presentation view. The URL hash is where it lives (`view=present`,
 * or `#present` typed by hand), so a workshop link opens straight into it and a reload keeps it;
 * the store's URL sync keeps the view that is in the hash (state/urlSync.ts). Entering and leaving
 * rewrite only the view keys of the hash (history.replaceState, like the settings).
 */
import { useSyncExternalStore } from 'react';
import { readUrlSettings, withView } from '../state/urlState';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

/** Whether the page's hash asks for the presentation view now. */
export const isPresenting = (): boolean => typeof location !== 'undefined' && readUrlSettings(location.hash).view === 'present';

function subscribe(listener: () => void) {
  listeners.add(listener);
  // A hash typed into the address bar (or a link followed) can enter or leave the view too.
  window.addEventListener('hashchange', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('hashchange', listener);
  };
}

/** Enters (true) or leaves (false) the presentation view, keeping every other key of the link. */
export function setPresenting(on: boolean) {
  if (on === isPresenting()) return;
  const next = withView(location.hash, on ? 'present' : undefined);
  history.replaceState(null, '', next || `${location.pathname}${location.search}`);
  notify();
}

/** The presentation view's flag as React state: re-renders on entering or leaving. */
export const usePresenting = (): boolean => useSyncExternalStore(subscribe, isPresenting, () => false);
