/**
 * How long a target takes, as the last organisation run measured it, kept in the checks' state
 * (`timing`), so that the next run's plan sizes its invocations from it instead of a guessed constant
 * (issue 21 review, item 3). Measured: each checked target's wall time, AssumeRole through its last
 * check (`TargetResult.durationMs`, run/check-targets.ts), for targets whose checks all completed.
 * Recorded: the 90th percentile of those times, with the run settings it was measured at, once enough
 * targets were timed, and never lowered by a run cut short ({@link nextRunTiming}). Used: that figure
 * times {@link TIMING_SAFETY_FACTOR}, unless `EKS_KIT_SECONDS_PER_TARGET` is set, and only at the same
 * settings and for {@link TIMING_MAX_AGE_DAYS} days ({@link usableRunTiming}).
 */
import type { OrganizationSource } from '../config/handler-config.js';
import { ASSUME_ROLE_CHECK } from '../run/check-targets.js';
import { MISSING_BATCHES_CHECK } from '../run/invocation.js';
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

/**
 * The fewest timed targets a run needs to replace the stored timing: 20, or every live target of an
 * organisation that has fewer (live: not skipped, not unreachable, reported by a batch). The p90 (nearest
 * rank) of fewer than 10 times is their maximum, and of 10 to 19 the second largest at best: one slow or
 * one lucky account would set every later plan. From 20 on, the two slowest are left out. Below 20 live
 * targets the whole population is required instead of a sample, and strictness costs little there: 19
 * targets at the 30 s default take `ceil(19 / concurrency) x 30` s, one invocation even one at a time.
 */
export const MIN_TIMED_TARGETS = 20;

/**
 * Days a stored timing is used for: 30. Older, the plan uses the default (and says so): the accounts, their
 * clusters and the checks change, and a figure nobody re-measured should not size runs for ever. A daily
 * run measures again every day, so only a checker that has not completed a full measure for a month meets it.
 */
export const TIMING_MAX_AGE_DAYS = 30;

/**
 * The run settings a per-target time depends on: how many targets run side by side in one invocation
 * (`EKS_KIT_TARGET_CONCURRENCY`: they share the function's CPU, its sockets and the STS token bucket) and
 * how many checks of one target run at once (`EKS_KIT_CHECK_CONCURRENCY`: a target's time is its checks
 * over that many lanes).
 */
export interface RunSettings {
  targetConcurrency: number;
  checkConcurrency: number;
}

/** The `timing` entry of the checks' state. */
export interface RunTiming {
  /** The {@link TIMING_PERCENTILE}th percentile of the checked targets' wall times, in milliseconds. */
  p90Ms: number;
  /** How many targets it is from (timed ones: every check completed; skipped and unreachable ones are not timed). */
  targets: number;
  /** When the run that measured it reported (ISO 8601). */
  measuredAt: string;
  /** `EKS_KIT_TARGET_CONCURRENCY` of the run that measured it (absent in entries stored before it was kept). */
  targetConcurrency?: number;
  /** `EKS_KIT_CHECK_CONCURRENCY` of the run that measured it (absent in entries stored before it was kept). */
  checkConcurrency?: number;
}

/**
 * Whether a target's time is a whole measure: it carries one and every one of its checks completed (a
 * check that timed out, threw, or that the invocation's deadline stopped cuts the time short).
 */
function isTimed(r: TargetResult): r is TargetResult & { durationMs: number } {
  return (
    typeof r.durationMs === 'number' &&
    Number.isFinite(r.durationMs) &&
    r.durationMs >= 0 &&
    r.runs.length > 0 &&
    r.runs.every((run) => run.outcome === 'completed')
  );
}

/**
 * The timing of a run: the p90 (nearest rank) of the `durationMs` of its timed targets (those whose
 * checks all completed), with the settings it was measured at; `undefined` when no target was timed
 * (every one skipped, unreachable or cut short), so that such a run records nothing.
 *
 * @example
 * ```ts
 * measureRunTiming([{ target: 'a', region: 'eu-west-1', durationMs: 2400, runs }], new Date(), { targetConcurrency: 16, checkConcurrency: 4 });
 * // { p90Ms: 2400, targets: 1, measuredAt: '2026-12-07T06:00:00.000Z', targetConcurrency: 16, checkConcurrency: 4 }
 * ```
 */
export function measureRunTiming(
  results: readonly TargetResult[],
  now: Date,
  settings: RunSettings,
): RunTiming | undefined {
  const times = results
    .filter(isTimed)
    .map((r) => r.durationMs)
    .sort((a, b) => a - b);
  if (times.length === 0) return undefined;
  const rank = Math.ceil((TIMING_PERCENTILE / 100) * times.length) - 1;
  return {
    p90Ms: Math.round(times[Math.max(0, rank)] as number),
    targets: times.length,
    measuredAt: now.toISOString(),
    targetConcurrency: settings.targetConcurrency,
    checkConcurrency: settings.checkConcurrency,
  };
}

/**
 * Targets a run could have timed: every reported target but the skipped ones, those whose role could not
 * be assumed (never timed, whatever the run) and the report's own `checks.batches` entry. A target the
 * deadline stopped before its AssumeRole counts: it was live, only cut short.
 */
function liveTargets(results: readonly TargetResult[]): number {
  return results.filter(
    (r) =>
      r.skipped === undefined &&
      r.runs.length > 0 &&
      !r.runs.some(
        (run) => run.name === MISSING_BATCHES_CHECK || (run.name === ASSUME_ROLE_CHECK && !run.stopped),
      ),
  ).length;
}

/**
 * Whether a stored timing may size this run's plan: measured at the same {@link RunSettings} and at most
 * {@link TIMING_MAX_AGE_DAYS} days ago; else why not (the plan then uses the default and says why).
 *
 * @example
 * ```ts
 * usableRunTiming(stored, { targetConcurrency: 16, checkConcurrency: 4 }, new Date()).ignored;
 * // 'measured at 8 targets and 4 checks at once, this run has 16 and 4'
 * ```
 */
export function usableRunTiming(
  timing: RunTiming,
  settings: RunSettings,
  now: Date,
): { timing: RunTiming; ignored?: undefined } | { timing?: undefined; ignored: string } {
  if (timing.targetConcurrency === undefined || timing.checkConcurrency === undefined)
    return {
      ignored: `measured on ${timing.measuredAt} without its run settings (stored by an older version)`,
    };
  if (
    timing.targetConcurrency !== settings.targetConcurrency ||
    timing.checkConcurrency !== settings.checkConcurrency
  )
    return {
      ignored: `measured at ${timing.targetConcurrency} targets and ${timing.checkConcurrency} checks at once, this run has ${settings.targetConcurrency} and ${settings.checkConcurrency}`,
    };
  const ageMs = now.getTime() - Date.parse(timing.measuredAt);
  if (ageMs > TIMING_MAX_AGE_DAYS * 86_400_000)
    return { ignored: `measured on ${timing.measuredAt}, more than ${TIMING_MAX_AGE_DAYS} days ago` };
  return { timing };
}

/**
 * The timing the report keeps for the next plan, and why (issue 21 review, item 1):
 * - this run's measure when at least {@link MIN_TIMED_TARGETS} targets were timed (or every live one of a
 *   smaller organisation); else the previous entry as it was, if well formed (or none);
 * - when the run was cut short (a split run's batches missing, or a target stopped by the invocation's
 *   deadline), never lower than the previous entry still usable at these settings: the higher of the two.
 *
 * @example
 * ```ts
 * nextRunTiming(results, state.timing, { now, settings: { targetConcurrency: 16, checkConcurrency: 4 }, cutShort: false });
 * // { timing: { p90Ms: 2400, targets: 101, ... }, why: 'measured: p90 2.4 s of 101 timed targets' }
 * ```
 */
export function nextRunTiming(
  results: readonly TargetResult[],
  previous: unknown,
  options: { now: Date; settings: RunSettings; cutShort: boolean },
): { timing?: RunTiming; why: string } {
  // The previous entry only if it is one (a malformed one is not carried on).
  const before = readRunTiming(previous).timing;
  const kept = (why: string) =>
    before ? { timing: before, why: `${why}: the previous timing is kept` } : { why };
  const measured = measureRunTiming(results, options.now, options.settings);
  const live = liveTargets(results);
  const needed = Math.min(MIN_TIMED_TARGETS, live);
  if (!measured) return kept('no target was timed');
  if (measured.targets < needed)
    return kept(
      `only ${measured.targets} of ${live} live targets were timed, fewer than the ${needed} needed`,
    );
  const why = `measured: p${TIMING_PERCENTILE} ${(measured.p90Ms / 1000).toFixed(1)} s of ${measured.targets} timed targets`;
  if (options.cutShort && before) {
    const usable = usableRunTiming(before, options.settings, options.now).timing;
    if (usable && usable.p90Ms > measured.p90Ms)
      return {
        timing: usable,
        why: `${why}, but the run was cut short (batches missing or targets stopped by the deadline): the higher previous timing is kept`,
      };
  }
  return { timing: measured, why };
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
  const { p90Ms, targets, measuredAt, targetConcurrency, checkConcurrency } = value as Record<
    string,
    unknown
  >;
  if (typeof p90Ms !== 'number' || !Number.isFinite(p90Ms) || p90Ms < 0)
    return bad('timing.p90Ms is not a duration in milliseconds');
  if (typeof targets !== 'number' || !Number.isInteger(targets) || targets < 1)
    return bad('timing.targets is not a positive whole number');
  if (typeof measuredAt !== 'string' || Number.isNaN(Date.parse(measuredAt)))
    return bad('timing.measuredAt is not a date');
  // The run settings are absent from entries stored before they were kept (then the plan ignores the
  // entry: usableRunTiming); present, they must be what the handler accepts.
  const setting = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 1);
  if (!setting(targetConcurrency)) return bad('timing.targetConcurrency is not a positive whole number');
  if (!setting(checkConcurrency)) return bad('timing.checkConcurrency is not a positive whole number');
  return {
    timing: {
      p90Ms,
      targets,
      measuredAt,
      ...(targetConcurrency !== undefined ? { targetConcurrency: targetConcurrency as number } : {}),
      ...(checkConcurrency !== undefined ? { checkConcurrency: checkConcurrency as number } : {}),
    },
  };
}

/**
 * The seconds a target is planned at, and where the figure comes from: `EKS_KIT_SECONDS_PER_TARGET`
 * when it is set; else the last run's p90 times {@link TIMING_SAFETY_FACTOR}, rounded up to whole
 * seconds, within 1-900 (the caller passes only a timing {@link usableRunTiming} accepts); else the
 * default 30, with why a stored timing was not used (`ignored`) when there was one.
 *
 * @example
 * ```ts
 * secondsPerTargetOf(org, { p90Ms: 2400, targets: 100, measuredAt: '2026-12-07T06:00:00.000Z' });
 * // { seconds: 5, source: 'measured by the run of 2026-12-07T06:00:00.000Z: p90 2.4 s x 2 (100 targets)' }
 * secondsPerTargetOf(org, undefined, 'measured on 2026-10-01T06:00:00.000Z, more than 30 days ago').source;
 * // 'default (the last run's timing is not used: measured on 2026-10-01T06:00:00.000Z, more than 30 days ago)'
 * ```
 */
export function secondsPerTargetOf(
  org: Pick<OrganizationSource, 'secondsPerTarget' | 'secondsPerTargetSet'>,
  timing: RunTiming | undefined,
  ignored?: string,
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
  return {
    seconds: org.secondsPerTarget,
    source: ignored ? `default (the last run's timing is not used: ${ignored})` : 'default',
  };
}
