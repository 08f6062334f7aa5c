import { describe, expect, it } from 'vitest';
import { counter, throttled, within, type OnStep } from './progress';

const recorder = () => {
  const events: { fraction: number; message: string; tick?: boolean }[] = [];
  const on: OnStep = (fraction, message, tick) => { events.push({ fraction, message, tick }); };
  return { events, on };
};

describe('step progress', () => {
  it('within maps a part onto its share of the whole, clamped, and passes the tick flag', () => {
    const { events, on } = recorder();
    const part = within(on, 0.5, 0.8) as OnStep;
    part(0, 'a');
    part(0.5, 'b', true);
    part(2, 'c');
    expect(events.map((e) => e.fraction)).toEqual([0.5, 0.65, 0.8]);
    expect(events[1].tick).toBe(true);
    expect(within(undefined, 0, 1)).toBeUndefined();
  });

  it('counter labels item i as (i+1/n) at fraction i/n, as a tick', () => {
    const { events, on } = recorder();
    const each = counter(on, 4);
    each(0, 'Quantizing conv1');
    each(3, 'Quantizing fc');
    expect(events).toEqual([{ fraction: 0, message: 'Quantizing conv1 (1/4)', tick: true }, { fraction: 0.75, message: 'Quantizing fc (4/4)', tick: true }]);
    expect(() => counter(undefined, 3)(0, 'x')).not.toThrow();
    const files = recorder();
    counter(files.on, 2, false)(1, 'gzip -9 of b.bin');
    expect(files.events).toEqual([{ fraction: 0.5, message: 'gzip -9 of b.bin (2/2)', tick: false }]);
  });

  it('throttled drops ticks within minMs, passes step starts and the end, and never goes down', () => {
    const { events, on } = recorder();
    let t = 0;
    const step = throttled(on, 100, () => t);
    step(0.1, 'tick 1', true); // first: passes
    t = 50; step(0.2, 'tick 2', true); // 50 ms later: dropped
    t = 60; step(0.15, 'long part starts'); // not a tick: passes, raised to 0.2
    t = 120; step(0.3, 'tick 3', true); // 60 ms after the last passed: dropped
    t = 170; step(0.4, 'tick 4', true); // 110 ms: passes
    t = 171; step(1, 'done', true); // the end always passes
    expect(events.map((e) => [e.fraction, e.message])).toEqual([[0.1, 'tick 1'], [0.2, 'long part starts'], [0.4, 'tick 4'], [1, 'done']]);
  });
});
