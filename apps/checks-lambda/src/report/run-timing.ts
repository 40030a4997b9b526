/**
 * How long a target takes, as the last organisation run measured it, kept in the checks' state
 * (`timing`), so that the next run's plan sizes its invocations from it instead of a guessed constant
 * (issue 21 review, item 3). Measured: each checked target's wall time, AssumeRole through its last
 * check (`TargetResult.durationMs`, run/check-targets.ts). Recorded: the 90th percentile of those
 * times. Used: that figure times {@link TIMING_SAFETY_FACTOR}, unless `EKS_KIT_SECONDS_PER_TARGET` is set.
 */
import type { OrganizationSource } from '../config/handler-config.js';
import type { TargetResult } from './summary.js';

/**
 * The percentile of the targets' times the state keeps: 90. The plan runs each lane of
 * `targetConcurrency` targets one after another, so a lane's time is a sum over its targets: the
 * median would under-plan an organisation whose slow accounts (more clusters, more node groups) are
 * common, and the maximum lets one target that hit its check timeout size every later run.
 */
export const TIMING_PERCENTILE = 90;

/**
 * The factor the recorded figure is multiplied by when the plan uses it: 2. One run's p90 is one sample:
 * the next run may meet throttling (SDK retries with back-off), a cold start, or accounts that grew; a
 * batch planned too tight runs into the invocation's remaining-time guard and reports its last targets
 * as timed out, while a batch planned twice too loose only costs an invocation more. The measured
 * 2.4 s a target of the seed bench (docs/PERFORMANCE.md, "Checks over an organisation") plans at 5 s,
 * still 6x fewer invocations than the 30 s default.
 */
export const TIMING_SAFETY_FACTOR = 2;

/** The per-target figure without a setting or a measure (`EKS_KIT_SECONDS_PER_TARGET`'s default). */
export const DEFAULT_SECONDS_PER_TARGET = 30;

/** Bounds of the per-target figure, as `EKS_KIT_SECONDS_PER_TARGET` accepts it (1 s floor: no target is free). */
export const SECONDS_PER_TARGET_MIN = 1;
export const SECONDS_PER_TARGET_MAX = 900;

/** The `timing` entry of the checks' state. */
export interface RunTiming {
  /** The {@link TIMING_PERCENTILE}th percentile of the checked targets' wall times, in milliseconds. */
  p90Ms: number;
  /** How many targets it is from (checked ones: skipped and unreachable targets are not timed). */
  targets: number;
  /** When the run that measured it reported (ISO 8601). */
  measuredAt: string;
}

/**
 * The timing of a run: the p90 (nearest rank) of the `durationMs` its targets carry; `undefined` when
 * no target was timed (every one skipped or unreachable), so that such a run records nothing.
 *
 * @example
 * ```ts
 * measureRunTiming([{ target: 'a', region: 'eu-west-1', durationMs: 2400, runs }], new Date());
 * // { p90Ms: 2400, targets: 1, measuredAt: '2026-12-07T06:00:00.000Z' }
 * ```
 */
export function measureRunTiming(results: readonly TargetResult[], now: Date): RunTiming | undefined {
  const times = results
    .map((r) => r.durationMs)
    .filter((ms): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)
    .sort((a, b) => a - b);
  if (times.length === 0) return undefined;
  const rank = Math.ceil((TIMING_PERCENTILE / 100) * times.length) - 1;
  return {
    p90Ms: Math.round(times[Math.max(0, rank)] as number),
    targets: times.length,
    measuredAt: now.toISOString(),
  };
}

/**
 * Read a stored `timing` entry: absent is no timing; anything malformed is no timing and a warning
 * (the state's failures are still used: only the planning figure falls back).
 *
 * @example
 * ```ts
 * readRunTiming({ p90Ms: 2400, targets: 100, measuredAt: '2026-12-07T06:00:00.000Z' }).timing?.p90Ms; // 2400
 * readRunTiming('fast').warning; // 'the stored timing of the last run is malformed (...): ignored'
 * ```
 */
export function readRunTiming(value: unknown): { timing?: RunTiming; warning?: string } {
  if (value === undefined) return {};
  const bad = (why: string) => ({
    warning: `the stored timing of the last run is malformed (${why}): ignored`,
  });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('not an object');
  const { p90Ms, targets, measuredAt } = value as Record<string, unknown>;
  if (typeof p90Ms !== 'number' || !Number.isFinite(p90Ms) || p90Ms < 0)
    return bad('timing.p90Ms is not a duration in milliseconds');
  if (typeof targets !== 'number' || !Number.isInteger(targets) || targets < 1)
    return bad('timing.targets is not a positive whole number');
  if (typeof measuredAt !== 'string' || Number.isNaN(Date.parse(measuredAt)))
    return bad('timing.measuredAt is not a date');
  return { timing: { p90Ms, targets, measuredAt } };
}

/**
 * The seconds a target is planned at, and where the figure comes from: `EKS_KIT_SECONDS_PER_TARGET`
 * when it is set; else the last run's p90 times {@link TIMING_SAFETY_FACTOR}, rounded up to whole
 * seconds, within 1-900; else the default 30.
 *
 * @example
 * ```ts
 * secondsPerTargetOf(org, { p90Ms: 2400, targets: 100, measuredAt: '2026-12-07T06:00:00.000Z' });
 * // { seconds: 5, source: 'measured by the run of 2026-12-07T06:00:00.000Z: p90 2.4 s x 2 (100 targets)' }
 * ```
 */
export function secondsPerTargetOf(
  org: Pick<OrganizationSource, 'secondsPerTarget' | 'secondsPerTargetSet'>,
  timing: RunTiming | undefined,
): { seconds: number; source: string } {
  if (org.secondsPerTargetSet) return { seconds: org.secondsPerTarget, source: 'EKS_KIT_SECONDS_PER_TARGET' };
  if (timing) {
    const seconds = Math.min(
      SECONDS_PER_TARGET_MAX,
      Math.max(SECONDS_PER_TARGET_MIN, Math.ceil((timing.p90Ms / 1000) * TIMING_SAFETY_FACTOR)),
    );
    return {
      seconds,
      source: `measured by the run of ${timing.measuredAt}: p${TIMING_PERCENTILE} ${(timing.p90Ms / 1000).toFixed(1)} s x ${TIMING_SAFETY_FACTOR} (${timing.targets} targets)`,
    };
  }
  return { seconds: org.secondsPerTarget, source: 'default' };
}
