/**
 * Preferences & status: the theme and the chart's size axis, the progress bar, what the studio is
 * busy with, and the error shown.
 */
import type { StateCreator } from 'zustand';
import { WorkerRestartedError } from '../../runtime/client';
import { errorText } from '../selectors';
import type { PreferencesSlice, SliceContext, StudioState } from '../types';

/** A worker that does not answer a cancel within this many ms is stuck: it is replaced. */
export const CANCEL_WATCHDOG_MS = 3000;

/** The preferences & status slice of a studio store made with `ctx` (zustand slices pattern). */
export const createPreferencesSlice = ({ runner }: SliceContext): StateCreator<StudioState, [], [], PreferencesSlice> => (set, get) => ({
  theme: 'system',
  sizeFormat: 'compact',

  setSizeFormat: (sizeFormat) => set({ sizeFormat }),

  setTheme(theme) {
    set({ theme });
    if (globalThis.document) document.documentElement.dataset.theme = theme;
  },

  cancel() {
    const acknowledged = runner.cancel();
    if (!acknowledged) return;
    // A job that does not stop within 3 s means a stuck worker: replace it and reload the model.
    const watchdog = setTimeout(() => void get().recoverWorker(), CANCEL_WATCHDOG_MS);
    acknowledged.then(() => clearTimeout(watchdog), () => {});
  },

  dismissError: () => set({ error: undefined }),

  reportError(title, e) {
    // A job cut short by a worker restart is not news: the restart says what happened.
    if (e instanceof WorkerRestartedError) return;
    set({ error: { title, message: errorText(e) } });
  },
});
