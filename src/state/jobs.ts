/**
 * The job runner: the studio worker runs one job at a time for the page, each under a number. The
 * runner holds the current-job token: starting a job supersedes the running one (the worker is
 * told to cancel it, and its result, if it still comes, is dropped because its number is no longer
 * current). The progress bar follows the current job but is not the token: hiding or replacing
 * what the bar shows never ends a job, and only `end`, `cancel`, `start` or `reset` do.
 *
 * One runner per store (the store factory makes it), so a store made for a test starts clean.
 */
import type { ProgressEvent } from '../runtime/protocol';

/** How the runner reaches the worker and the progress bar. */
export interface JobRunnerHooks {
  /** Tells the worker to stop `job`; resolves when the worker has taken the request. */
  cancelInWorker(job: number): Promise<unknown>;
  /** Shows `progress` on the bar (undefined: no bar). */
  showProgress(progress: ProgressEvent | undefined): void;
  /** A monotonic clock in ms (performance.now by default), for throttling progress. */
  now?(): number;
}

/** The current-job token and the progress bar's follower (see the file comment). */
export class JobRunner {
  #counter = 0;
  #current: number | undefined;
  /** The baseline evaluation in flight: plan jobs wait for it rather than superseding it. */
  #baseline: number | undefined;
  /** What the bar shows now (job, phase) and when it was shown. */
  #shown: { job: number; phase: string; at: number } | undefined;
  /** The newest event the throttle held back, shown when the throttle allows unless a newer one comes first. */
  #held: { p: ProgressEvent; timer: ReturnType<typeof setTimeout> } | undefined;
  readonly #hooks: JobRunnerHooks;
  /** The job whose compression the worker holds (exports come from it); undefined when it holds none. */
  held: number | undefined;
  /** True while a restarted worker is given its model again: plan jobs wait for the re-measure. */
  restarting = false;

  constructor(hooks: JobRunnerHooks) {
    this.#hooks = hooks;
  }

  /** The current job's number; undefined when no job runs. */
  get current(): number | undefined {
    return this.#current;
  }

  /** Whether a baseline evaluation is in flight (started with `baseline` and not yet ended or superseded). */
  get baselineRunning(): boolean {
    return this.#baseline !== undefined;
  }

  /**
   * Starts a job that supersedes the running one (the worker is told to cancel it) and shows
   * `message` at 0 %. Returns the new job's number, to pass to the worker and to `isCurrent`.
   */
  start(message: string, options: { baseline?: boolean } = {}): number {
    const old = this.#current;
    if (old !== undefined) {
      void this.#hooks.cancelInWorker(old).catch(() => {}); // a worker restart answers for it
      if (old === this.#baseline) this.#baseline = undefined;
    }
    const job = ++this.#counter;
    this.#current = job;
    if (options.baseline) this.#baseline = job;
    this.#show({ type: 'progress', job, phase: 'data', fraction: 0, message });
    return job;
  }

  /** Whether `job` is still the current one (its results are wanted). */
  isCurrent(job: number): boolean {
    return job === this.#current;
  }

  /**
   * A progress listener for `job`: it shows the current job's events only. With `throttleMs`, a
   * change of phase shows at once and otherwise at most one event per `throttleMs` (a tick per
   * latency run would render the bar ~50 times a move). An event held back is not lost: the newest
   * one shows when the throttle allows, unless a newer one showed first (the last step of a burst
   * — "Building the compressed model" — may be the one that runs long).
   */
  progress(job: number, throttleMs = 100): (p: ProgressEvent) => void {
    return (p) => {
      if (p.job !== job || !this.isCurrent(job)) return;
      const shown = this.#shown;
      const age = this.#now() - (shown?.at ?? 0);
      if (shown?.job === p.job && shown.phase === p.phase && age < throttleMs) {
        if (this.#held) this.#held.p = p;
        else {
          const timer = setTimeout(() => {
            const held = this.#held;
            this.#held = undefined;
            if (held && this.isCurrent(held.p.job)) this.#show(held.p);
          }, throttleMs - age);
          this.#held = { p, timer };
        }
        return;
      }
      this.#show(p);
    };
  }

  /** Ends `job` (done, failed or cancelled). If it is the current one, no job runs any more and the bar goes; an older job's end changes nothing. */
  end(job: number): void {
    if (job === this.#baseline) this.#baseline = undefined;
    if (job !== this.#current) return;
    this.#current = undefined;
    this.#show(undefined);
  }

  /**
   * Cancels the current job: its result will be dropped and the bar goes; the worker is told to
   * stop it. Returns the worker's acknowledgement, or undefined when no job ran.
   */
  cancel(): Promise<unknown> | undefined {
    const job = this.#current;
    if (job === undefined) return undefined;
    this.#current = undefined;
    this.#show(undefined);
    return this.#hooks.cancelInWorker(job);
  }

  /** Forgets every job (the worker was replaced: it runs and holds nothing); the bar goes. */
  reset(): void {
    this.#current = undefined;
    this.#baseline = undefined;
    this.held = undefined;
    this.#show(undefined);
  }

  #now(): number {
    return this.#hooks.now?.() ?? performance.now();
  }

  #show(p: ProgressEvent | undefined): void {
    if (this.#held) { clearTimeout(this.#held.timer); this.#held = undefined; }
    this.#shown = p && { job: p.job, phase: p.phase, at: this.#now() };
    this.#hooks.showProgress(p);
  }
}
