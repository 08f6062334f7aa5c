import type { useStudio } from '../state/store';

type State = ReturnType<typeof useStudio.getState>;

/**
 * What the header shows and does, picked from the store: the model and data set pickers, the
 * backend choice and what really runs, the theme, and whether the pickers are locked. Header
 * subscribes to this with useShallow, so it re-renders only when one of these fields changes —
 * not on every progress tick, plan move or new chart point.
 */
export function headerView(s: State) {
  return {
    catalog: s.catalog,
    modelId: s.modelId,
    modelName: s.model?.name,
    datasets: s.datasets,
    datasetId: s.datasetId,
    backendChoice: s.backendChoice,
    backend: s.backend,
    theme: s.theme,
    /** the pickers wait while the worker starts or a model, data set or backend loads */
    disabled: s.phase !== 'ready' || Boolean(s.busy),
    /** files can be opened while the worker starts (they are queued and load instead of the demo), not while a load runs */
    openDisabled: s.phase === 'ready' && Boolean(s.busy),
    loadFiles: s.loadFiles,
    selectModel: s.selectModel,
    selectDataset: s.selectDataset,
    setBackend: s.setBackend,
    setTheme: s.setTheme,
  };
}
