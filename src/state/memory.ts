/**
 * The studio worker's memory report for the page (runtime/memory.ts): asked again whenever the
 * model, its compression or an evaluation changes, and every `intervalMs` while shown; one
 * request at a time (a worker busy with a long step answers when it is free).
 */
import { useEffect, useState } from 'react';
import { studio } from '../runtime/client';
import type { MemoryReport } from '../runtime/protocol';
import { jsHeap } from '../runtime/jsHeap';
import { useStudio } from './store';

/** The worker's report with the page's own JS heap (performance.memory on this thread, where the browser has it). */
export type PageMemoryReport = MemoryReport & { pageHeap?: MemoryReport['heap'] };

/** The latest memory report of the worker (and the page's heap), or undefined before the first answer / without a model. */
export function useWorkerMemory(intervalMs = 3000): PageMemoryReport | undefined {
  const model = useStudio((s) => s.model);
  const compressed = useStudio((s) => s.compressed);
  const evaluation = useStudio((s) => s.evaluation);
  const compressedEval = useStudio((s) => s.compressedEval);
  const [report, setReport] = useState<PageMemoryReport>();
  useEffect(() => {
    if (!model) return undefined;
    let stopped = false;
    let asking = false;
    const ask = () => {
      if (asking || stopped) return;
      asking = true;
      studio().memory().then((r) => {
        const pageHeap = jsHeap();
        if (!stopped) setReport(pageHeap ? { ...r, pageHeap } : r);
      }, () => {}).finally(() => { asking = false; });
    };
    ask();
    const timer = setInterval(ask, intervalMs);
    return () => { stopped = true; clearInterval(timer); };
  }, [model, compressed, evaluation, compressedEval, intervalMs]);
  return model ? report : undefined;
}
