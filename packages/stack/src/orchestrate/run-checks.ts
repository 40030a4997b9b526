/** `runChecks`: run a list of checks with a concurrency bound and a per-check timeout; one failing check never hides the others. */
import {
  type AwsClients,
  EksKitError,
  type Finding,
  finding,
  formatError,
  mapConcurrent,
  type ProgressEvent,
} from '@eks-kit/core';
import type { StackCheck } from './stack-checks.js';

/** Options of {@link runChecks}. */
export interface RunChecksOptions {
  signal?: AbortSignal;
  onEvent?: (event: ProgressEvent) => void;
  /** Clock for certificate expiry (tests). */
  now?: Date;
  /** How many checks run at once (default: all). */
  concurrency?: number;
  /** Give up on a check after this many ms: it becomes a `fail` finding and the others go on (default: no limit). */
  checkTimeoutMs?: number;
}

/** How one check went: emitted as a `check.done` event, and returned by {@link runChecks}. */
export interface CheckRun {
  id: string;
  resource: string;
  /** Wall-clock milliseconds the check took. */
  durationMs: number;
  /** `ok` when it ran (whatever it found), `error` when it threw, `timeout` when it ran out of time. */
  outcome: 'ok' | 'error' | 'timeout';
  findings: Finding[];
}

/**
 * Run checks (e.g. {@link stackChecks}) at most `concurrency` at a time. A check that throws or
 * outlives `checkTimeoutMs` becomes one `fail` finding and the others still run. Each check emits
 * `check.start` and `check.done` (with `durationMs`, `outcome` and `findings` count).
 *
 * @example
 * ```ts
 * const runs = await runChecks(stackChecks(stack), clients, { concurrency: 4, checkTimeoutMs: 60_000 });
 * for (const r of runs) console.log(`${r.id} ${r.outcome} in ${r.durationMs} ms`);
 * const findings = runs.flatMap((r) => r.findings);
 * ```
 */
export async function runChecks(
  checks: readonly StackCheck[],
  clients: AwsClients,
  options: RunChecksOptions = {},
): Promise<CheckRun[]> {
  const emit = (event: ProgressEvent): void => options.onEvent?.(event);
  return mapConcurrent(checks, options.concurrency ?? checks.length, async (check) => {
    emit({ type: 'check.start', message: `checking ${check.resource}...`, check: check.id });
    const started = performance.now();
    const timer = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    let outcome: CheckRun['outcome'] = 'ok';
    let findings: Finding[];
    try {
      const running = check.run(clients, {
        signal,
        ...(options.now ? { now: options.now } : {}),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
      const limit = options.checkTimeoutMs;
      findings =
        limit === undefined
          ? await running
          : await Promise.race([
              running,
              new Promise<never>((_, reject) => {
                timeout = setTimeout(() => {
                  const error = new EksKitError('CheckTimeout', `timed out after ${limit} ms`);
                  timer.abort(error);
                  reject(error);
                }, limit);
              }),
            ]);
    } catch (error) {
      const timedOut = error instanceof EksKitError && error.code === 'CheckTimeout';
      outcome = timedOut ? 'timeout' : 'error';
      findings = [
        finding(check.id, check.resource, 'fail', `check could not run: ${formatError(error)}`, {
          hint: timedOut
            ? 'the check took longer than its time limit: run eks-kit check again, or raise the limit'
            : 'fix the error above and run eks-kit check again',
        }),
      ];
    } finally {
      clearTimeout(timeout);
    }
    const durationMs = Math.round(performance.now() - started);
    emit({
      type: 'check.done',
      message: `${check.resource}: ${outcome === 'ok' ? `${findings.length} finding(s)` : outcome} in ${durationMs} ms`,
      check: check.id,
      durationMs,
      outcome,
      findings: findings.length,
    });
    return { id: check.id, resource: check.resource, durationMs, outcome, findings };
  });
}
