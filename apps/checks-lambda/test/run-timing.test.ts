/**
 * The per-target time an organisation run records and the next plan uses (issue 21 review, item 3):
 * the p90 of the checked targets' times, its reading back (malformed: ignored), the figure the plan
 * takes (setting, else measure x 2 within 1-900 s, else 30 s), and the batch results keeping each
 * target's time. Pure: no AWS, no clock.
 */
import { describe, expect, it } from 'vitest';
import {
  type AssumeRoleTarget,
  compactResults,
  MIN_TIMED_TARGETS,
  measureRunTiming,
  nextRunTiming,
  type OrganizationSource,
  planRun,
  type RunTiming,
  readRunTiming,
  secondsPerTargetOf,
  type TargetResult,
  TIMING_MAX_AGE_DAYS,
  usableRunTiming,
} from '../src/index.js';

const AT = new Date('2026-12-07T06:00:00.000Z');
/** The run settings the timings below are measured at. */
const S = { targetConcurrency: 16, checkConcurrency: 4 };
const checked = (ms: number, i = 0): TargetResult => ({
  target: `${400000000000 + i}@eu-west-1`,
  region: 'eu-west-1',
  durationMs: ms,
  runs: [{ name: 'c', outcome: 'completed', durationMs: ms, findings: [] }],
});
/** A target with a time whose checks did not all complete (a time cut short). */
const cutShort = (ms: number, outcome: 'timed-out' | 'threw', stopped = false): TargetResult => ({
  target: 'cut',
  region: 'eu-west-1',
  durationMs: ms,
  runs: [
    { name: 'a', outcome: 'completed', durationMs: 1, findings: [] },
    { name: 'c', outcome, durationMs: ms, findings: [], ...(stopped ? { stopped: true as const } : {}) },
  ],
});
const org = (over: Partial<OrganizationSource> = {}): OrganizationSource => ({
  parentIds: [],
  roleName: 'eks-kit-checks',
  regions: [],
  assumeRolePerSecond: 100,
  secondsPerTarget: 30,
  batchConcurrency: 4,
  ...over,
});

/** A suspended account (skipped) and one whose role could not be assumed: neither has a time. */
const skipped: TargetResult = {
  target: 's',
  region: 'eu-west-1',
  skipped: 'account is SUSPENDED',
  runs: [],
};
const unreachable: TargetResult = {
  target: 'u',
  region: 'eu-west-1',
  runs: [{ name: 'checks.assume-role', outcome: 'threw', durationMs: 5, findings: [] }],
};

describe('measureRunTiming', () => {
  it('keeps the 90th percentile (nearest rank) of the timed targets, how many, and when', () => {
    // 1 s .. 20 s: the 18th of 20 is 18 s.
    const results = Array.from({ length: 20 }, (_, i) => checked((i + 1) * 1000, i)).reverse();
    expect(measureRunTiming(results, AT, S)).toEqual({
      p90Ms: 18_000,
      targets: 20,
      measuredAt: AT.toISOString(),
      targetConcurrency: 16,
      checkConcurrency: 4,
    });
    // A single target is its own p90.
    expect(measureRunTiming([checked(2_400)], AT, S)?.p90Ms).toBe(2_400);
  });

  it('leaves out targets without a time (skipped, role not assumed) and measures nothing from none', () => {
    expect(measureRunTiming([skipped, unreachable, checked(3_000)], AT, S)).toMatchObject({
      p90Ms: 3_000,
      targets: 1,
      measuredAt: AT.toISOString(),
    });
    expect(measureRunTiming([skipped, unreachable], AT, S)).toBeUndefined();
    expect(measureRunTiming([], AT, S)).toBeUndefined();
  });

  it.each([
    ['timed out (its own timeout)', cutShort(50, 'timed-out')],
    ['stopped by the deadline', cutShort(2, 'timed-out', true)],
    ['threw', cutShort(30, 'threw')],
  ])('leaves out a target with a check that %s, even when it carries a time', (_why, cut) => {
    // 20 whole targets of 3 s and 5 cut short at a few ms: the p90 is 3 s, from 20 targets (item 1a).
    const whole = Array.from({ length: 20 }, (_, i) => checked(3_000, i));
    const cuts = Array.from({ length: 5 }, (_, i) => ({ ...cut, target: `cut-${i}` }));
    expect(measureRunTiming([...cuts, ...whole], AT, S)).toMatchObject({ p90Ms: 3_000, targets: 20 });
    expect(measureRunTiming(cuts, AT, S)).toBeUndefined();
  });
});

describe('readRunTiming', () => {
  it('reads a stored entry, with or without its run settings, and no entry as no timing without a warning', () => {
    const timing = { p90Ms: 2_400, targets: 100, measuredAt: AT.toISOString() };
    expect(readRunTiming(timing)).toEqual({ timing });
    expect(readRunTiming({ ...timing, ...S })).toEqual({ timing: { ...timing, ...S } });
    expect(readRunTiming(undefined)).toEqual({});
  });

  it.each([
    ['not an object', 'fast'],
    ['not an object', [2_400]],
    ['not an object', null],
    ['timing.p90Ms', { p90Ms: '2400', targets: 1, measuredAt: AT.toISOString() }],
    ['timing.p90Ms', { p90Ms: -1, targets: 1, measuredAt: AT.toISOString() }],
    ['timing.targets', { p90Ms: 2_400, targets: 0, measuredAt: AT.toISOString() }],
    ['timing.measuredAt', { p90Ms: 2_400, targets: 1, measuredAt: 'yesterday' }],
    [
      'timing.targetConcurrency',
      { p90Ms: 2_400, targets: 1, measuredAt: AT.toISOString(), targetConcurrency: 0 },
    ],
    [
      'timing.checkConcurrency',
      { p90Ms: 2_400, targets: 1, measuredAt: AT.toISOString(), checkConcurrency: '4' },
    ],
  ])('ignores a malformed entry (%s) with a warning', (why, value) => {
    const read = readRunTiming(value);
    expect(read.timing).toBeUndefined();
    expect(read.warning).toContain(why);
  });
});

describe('secondsPerTargetOf', () => {
  const measured = (p90Ms: number) => ({ p90Ms, targets: 100, measuredAt: AT.toISOString() });

  it('takes EKS_KIT_SECONDS_PER_TARGET when it was set, whatever the last run measured', () => {
    expect(
      secondsPerTargetOf(org({ secondsPerTarget: 12, secondsPerTargetSet: true }), measured(2_400)),
    ).toEqual({
      seconds: 12,
      source: 'EKS_KIT_SECONDS_PER_TARGET',
    });
  });

  it('else the measured p90 x 2, rounded up to whole seconds, never below 1 s nor above 900 s', () => {
    expect(secondsPerTargetOf(org(), measured(2_400))).toEqual({
      seconds: 5,
      source: 'measured by the run of 2026-12-07T06:00:00.000Z: p90 2.4 s x 2 (100 targets)',
    });
    expect(secondsPerTargetOf(org(), measured(0)).seconds).toBe(1);
    expect(secondsPerTargetOf(org(), measured(120)).seconds).toBe(1);
    expect(secondsPerTargetOf(org(), measured(600_000)).seconds).toBe(900);
  });

  it('else the default, saying why a stored timing was not used', () => {
    expect(secondsPerTargetOf(org(), undefined)).toEqual({ seconds: 30, source: 'default' });
    expect(
      secondsPerTargetOf(
        org(),
        undefined,
        'measured at 8 targets and 4 checks at once, this run has 16 and 4',
      ),
    ).toEqual({
      seconds: 30,
      source:
        "default (the last run's timing is not used: measured at 8 targets and 4 checks at once, this run has 16 and 4)",
    });
  });
});

describe('nextRunTiming (what the report keeps for the next plan)', () => {
  const timed = (n: number, ms: number) => Array.from({ length: n }, (_, i) => checked(ms, i));
  const previous: RunTiming = { p90Ms: 9_000, targets: 40, measuredAt: '2026-12-06T06:00:00.000Z', ...S };
  const next = (results: TargetResult[], before: unknown = previous, cutShortRun = false) =>
    nextRunTiming(results, before, { now: AT, settings: S, cutShort: cutShortRun });

  it(`replaces the stored timing once ${MIN_TIMED_TARGETS} targets are timed`, () => {
    expect(next(timed(MIN_TIMED_TARGETS, 2_000)).timing).toEqual({
      p90Ms: 2_000,
      targets: MIN_TIMED_TARGETS,
      measuredAt: AT.toISOString(),
      ...S,
    });
  });

  it('keeps the previous timing (or none) when fewer targets were timed than the minimum (item 1c)', () => {
    // 30 live targets, of which 5 timed (25 cut short): not enough to set every later plan.
    const results = [
      ...timed(5, 500),
      ...Array.from({ length: 25 }, (_, i) => ({ ...cutShort(1, 'threw'), target: `c${i}` })),
    ];
    const kept = next(results);
    expect(kept.timing).toEqual(previous);
    expect(kept.why).toMatch(/only 5 of 30 live targets were timed, fewer than the 20 needed/);
    expect(
      nextRunTiming(results, undefined, { now: AT, settings: S, cutShort: false }).timing,
    ).toBeUndefined();
    // 19 timed of 20 live: one short.
    expect(next([...timed(19, 500), { ...cutShort(1, 'threw'), target: 'c' }]).timing).toEqual(previous);
  });

  it('takes every live target of an organisation smaller than the minimum, not counting skipped or unreachable ones', () => {
    expect(next([...timed(13, 2_000), skipped, unreachable]).timing).toMatchObject({
      p90Ms: 2_000,
      targets: 13,
    });
    // ... but all of them: 12 of 13 live is a sample.
    expect(next([...timed(12, 2_000), { ...cutShort(1, 'timed-out'), target: 'c' }]).timing).toEqual(
      previous,
    );
    // A target the deadline stopped before its AssumeRole was live: it counts.
    const stoppedBeforeAssume: TargetResult = {
      ...unreachable,
      runs: [{ name: 'checks.assume-role', outcome: 'threw', durationMs: 0, findings: [], stopped: true }],
    };
    expect(next([...timed(13, 2_000), stoppedBeforeAssume]).timing).toEqual(previous);
  });

  it('never lowers the stored timing when the run was cut short: the higher of the two (item 1b)', () => {
    const results = timed(30, 1_000);
    // Not cut short: the new, lower figure replaces it.
    expect(next(results).timing?.p90Ms).toBe(1_000);
    // Cut short (batches missing, or a target stopped by the deadline): the previous 9 s stays.
    const kept = next(results, previous, true);
    expect(kept.timing).toEqual(previous);
    expect(kept.why).toMatch(/cut short/);
    // A higher new figure is taken even then.
    expect(next(timed(30, 12_000), previous, true).timing?.p90Ms).toBe(12_000);
    // A previous figure the plan would not use (other settings, too old) does not hold a new one down.
    expect(next(results, { ...previous, targetConcurrency: 8 }, true).timing?.p90Ms).toBe(1_000);
    expect(next(results, { ...previous, measuredAt: '2026-10-01T06:00:00.000Z' }, true).timing?.p90Ms).toBe(
      1_000,
    );
  });
});

describe('usableRunTiming (item 1d)', () => {
  const stored: RunTiming = { p90Ms: 2_400, targets: 100, measuredAt: AT.toISOString(), ...S };

  it('uses a timing measured at the same settings within 30 days', () => {
    expect(usableRunTiming(stored, S, AT)).toEqual({ timing: stored });
    const day30 = new Date(AT.getTime() + TIMING_MAX_AGE_DAYS * 86_400_000);
    expect(usableRunTiming(stored, S, day30).timing).toEqual(stored);
  });

  it('ignores one measured at other settings, without them, or more than 30 days ago, saying why', () => {
    expect(usableRunTiming(stored, { ...S, targetConcurrency: 8 }, AT).ignored).toBe(
      'measured at 16 targets and 4 checks at once, this run has 8 and 4',
    );
    expect(usableRunTiming(stored, { ...S, checkConcurrency: 2 }, AT).ignored).toBe(
      'measured at 16 targets and 4 checks at once, this run has 16 and 2',
    );
    const { targetConcurrency: _t, checkConcurrency: _c, ...older } = stored;
    expect(usableRunTiming(older, S, AT).ignored).toMatch(/without its run settings/);
    const day31 = new Date(AT.getTime() + (TIMING_MAX_AGE_DAYS + 1) * 86_400_000);
    expect(usableRunTiming(stored, S, day31).ignored).toBe(
      'measured on 2026-12-07T06:00:00.000Z, more than 30 days ago',
    );
  });
});

describe('planRun with the last run timing', () => {
  const targets: AssumeRoleTarget[] = Array.from({ length: 100 }, (_, i) => {
    const id = String(400000000000 + i);
    return {
      label: `${id}@eu-west-1`,
      roleArn: `arn:aws:iam::${id}:role/eks-kit-checks`,
      region: 'eu-west-1',
    };
  });

  it('fits in one invocation what the default splits: 100 targets, 16 at a time, measured p90 2.4 s', () => {
    const config = { targetConcurrency: 16, organization: org() };
    const guessed = planRun(targets, config, 90);
    // 7 rounds of 30 s: 210 s, more than 90 s.
    expect(guessed.estimateSeconds).toBe(210);
    expect(guessed.batches).toHaveLength(3);
    const sized = planRun(
      targets,
      { ...config, timing: { p90Ms: 2_400, targets: 100, measuredAt: AT.toISOString() } },
      90,
    );
    // 7 rounds of 5 s (2.4 s x 2, rounded up).
    expect(sized.estimateSeconds).toBe(35);
    expect(sized.fits).toBe(true);
    expect(sized.secondsPerTarget).toBe(5);
    expect(sized.message).toMatch(
      /planned at 5 s a target \(measured by the run of 2026-12-07T06:00:00\.000Z: p90 2\.4 s x 2/,
    );
  });
});

describe('compactResults', () => {
  it("keeps each target's time in what a batch writes", () => {
    expect(compactResults([checked(2_345)])[0]?.durationMs).toBe(2_345);
  });
});
