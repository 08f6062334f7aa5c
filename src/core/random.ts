/**
 * Seeded pseudo-random numbers, so every randomised algorithm (k-means++, randomised SVD,
 * benchmarks, tests) is reproducible from one integer seed in Node, workers and browsers alike.
 */

/** A deterministic random source. */
export interface Rng {
  /** Next uniform 32-bit unsigned integer in [0, 2³²). */
  nextUint32(): number;
  /** Next uniform float in [0, 1) with 32 random bits: u / 2³². */
  next(): number;
  /** Next standard normal N(0, 1) sample (Box–Muller on two uniforms). */
  normal(): number;
}

/**
 * Creates a seeded generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting PRNG, 128-bit
 * state, period ≥ 2³²) with the state expanded from `seed` by splitmix32, then warmed up by 12
 * outputs so that nearby seeds diverge. Same seed ⇒ same sequence on every platform.
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = 1;
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  let spare = NaN;
  const next = (): number => nextUint32() / 4294967296;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  return { nextUint32, next, normal };
}

/** 0 … n−1 in a random order drawn from `rng` (Fisher–Yates, from the last position down). */
export function shuffledIndices(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Fills a new Float32Array of `n` samples from N(0, std²) with `rng`.
 * He-normal initialisation of a layer with fan-in f uses std = √(2 / f).
 */
export function randomNormal(n: number, std: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  return out;
}
