import { useRef } from 'react';
import { useStudio } from '../state/store';
import { Charts } from './Charts';
import { ErrorBanner } from './ErrorBanner';
import { ErrorBoundary } from './ErrorBoundary';
import { DropOverlay } from './DropOverlay';
import { Header } from './Header';
import { LayerTable } from './LayerTable';
import { Numbers } from './Numbers';
import { ProgressBar } from './ProgressBar';
import { Samples } from './Samples';
import { SensitivityPanel } from './SensitivityPanel';
import { StageView } from './StageView';
import { Confusion } from './Confusion';
import { Controls } from './Controls';
import { ExportBar } from './ExportBar';
import { Presentation } from './Presentation';
import { usePresenting } from './presentationMode';
import { usePresentationKeys } from './presentationKeys';

/** The one screen: header, then model / charts / numbers, then the layer table. */
export function App() {
  const phase = useStudio((s) => s.phase);
  // The size chart's SVG, drawn by Charts and saved as a PNG by the export bar.
  const sizeChartRef = useRef<SVGSVGElement>(null);
  // The presentation view (Header's "Present", F, or a link with view=present) replaces the screen; the store stays as it is.
  const presenting = usePresenting();
  usePresentationKeys();
  if (presenting) {
    return (
      <div className="app present-app" data-phase={phase}>
        <Presentation />
        <DropOverlay />
      </div>
    );
  }
  return (
    <div className="app" data-phase={phase}>
      <Header />
      <ErrorBanner />
      <ProgressBar />
      <main className="regions">
        <section className="region controls-region" aria-label="Compression controls">
          <ErrorBoundary name="controls"><Controls /></ErrorBoundary>
        </section>
        <section className="region charts" aria-label="Charts">
          <ErrorBoundary name="charts"><Charts sizeChartRef={sizeChartRef} /></ErrorBoundary>
          <ErrorBoundary name="stages"><StageView /></ErrorBoundary>
          <ErrorBoundary name="sensitivity"><SensitivityPanel /></ErrorBoundary>
        </section>
        <aside className="region numbers" aria-label="Measurements">
          <ErrorBoundary name="numbers">
            <Numbers />
            <Samples />
            <Confusion />
          </ErrorBoundary>
        </aside>
      </main>
      <section className="region layers" aria-label="Layers">
        <ErrorBoundary name="layer table"><LayerTable /></ErrorBoundary>
      </section>
      <section className="region export" aria-label="Export">
        <ErrorBoundary name="export"><ExportBar sizeChartRef={sizeChartRef} /></ErrorBoundary>
      </section>
      <DropOverlay />
    </div>
  );
}
