import { useEffect, useRef } from 'react';
import { useStudio } from '../state/store';
import type { SamplePrediction } from '../runtime/protocol';

function SampleImage({ sample }: { sample: SamplePrediction }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const [h, w, c] = sample.shape;
    const img = ctx.createImageData(w, h);
    for (let i = 0; i < h * w; i++) {
      const r = sample.pixels[i * c];
      const g = c >= 3 ? sample.pixels[i * c + 1] : r;
      const b = c >= 3 ? sample.pixels[i * c + 2] : r;
      img.data.set([r, g, b, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
  }, [sample]);
  return <canvas ref={ref} width={sample.shape[1]} height={sample.shape[0]} aria-hidden="true" />;
}

/** The first validation images with the model's prediction and confidence. */
export function Samples() {
  const ev = useStudio((s) => s.evaluation);
  const datasets = useStudio((s) => s.datasets);
  if (!ev) return null;
  const classes = datasets.find((d) => d.id === ev.dataset)?.classes ?? [];
  return (
    <figure className="samples" data-testid="samples">
      <figcaption>First {ev.labelled ? 'validation ' : ''}images: prediction (confidence){ev.labelled ? '' : ' — no labels'}</figcaption>
      <ol>
        {ev.samples.map((s) => (
          <li key={s.index} data-testid="sample" data-predicted={s.predicted} data-label={s.label}
            data-probabilities={JSON.stringify(s.probabilities)} className={s.label < 0 ? 'unlabelled' : s.predicted === s.label ? 'right' : 'wrong'}>
            <SampleImage sample={s} />
            <span>{classes[s.predicted] ?? s.predicted} ({(s.probabilities[s.predicted] * 100).toFixed(0)} %)</span>
          </li>
        ))}
      </ol>
    </figure>
  );
}
