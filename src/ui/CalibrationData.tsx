import type { QuantSettings } from '../model/plan';
import { CALIBRATION_SAMPLES, DATA_CALIBRATIONS } from '../model/planFields';
import { useStudio } from '../state/store';
import { Choice } from './cardParts';
import { AddFolder, useChoices } from './RecoverCard';

/** Why calibration on data cannot run now (a graph model, or no images at all), else undefined. */
export function calibrationUnavailable(graph: boolean, choices: number): string | undefined {
  if (graph) return 'Calibration on data needs a TF.js layers model: a graph model gets the data-free calibrations only.';
  if (!choices) return 'Calibration on data needs a few hundred of the model\'s input images (no labels): this data has no bundled training split — add a folder of images.';
  return undefined;
}

/**
 * The Quantization card's calibration data: for 'output' / 'adaround', which images the model is
 * measured on (the same choice as the Recover card's training data: the bundled training split or
 * a dropped folder; labels unused), or why there are none.
 */
export function CalibrationData({ q }: { q: QuantSettings }) {
  const graph = useStudio((s) => s.model?.format === 'graph-model');
  const setTrainData = useStudio((s) => s.setTrainData);
  const { choices, chosenId, evaluatedId } = useChoices();
  if (!DATA_CALIBRATIONS.includes(q.calibrate ?? '')) return null;
  const chosen = choices.find((c) => c.id === chosenId) ?? choices[0];
  const why = calibrationUnavailable(graph, choices.length);
  return (
    <div className="calibration-data" data-testid="calibration-data">
      {why && <p className="hint warn" role="note">{why}</p>}
      {chosen && (
        <Choice label="Calibration data" testId="calibration-data-choice" value={chosen.id} onChange={setTrainData}
          options={choices.map((c) => [c.id, `${c.name} · ${Math.min(CALIBRATION_SAMPLES, c.entry.count)} of its ${c.entry.count.toLocaleString('en-US')} images`])} />
      )}
      {!graph && <AddFolder text="Add a folder to calibrate on…" />}
      {chosen && chosen.id === evaluatedId && (
        <p className="hint warn" role="note">Calibrates on the data it is measured on: the figures will flatter the compressed model. Measure on other data for an honest figure.</p>
      )}
    </div>
  );
}
