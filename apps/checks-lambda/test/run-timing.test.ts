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
  measureRunTiming,
  type OrganizationSource,
  planRun,
  readRunTiming,
  secondsPerTargetOf,
  type TargetResult,
} from '../src/index.js';

const AT = new Date('2026-12-07T06:00:00.000Z');
const checked = (ms: number, i = 0): TargetResult => ({
  target: `${400000000000 + i}@eu-west-1`,
  region: 'eu-west-1',
  durationMs: ms,
  runs: [{ name: 'c', outcome: 'completed', durationMs: ms, findings: [] }],
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

describe('measureRunTiming', () => {
  it('keeps the 90th percentile (nearest rank) of the timed targets, how many, and when', () => {
    // 1 s .. 20 s: the 18th of 20 is 18 s.
    const results = Array.from({ length: 20 }, (_, i) => checked((i + 1) * 1000, i)).reverse();
    expect(measureRunTiming(results, AT)).toEqual({
      p90Ms: 18_000,
      targets: 20,
      measuredAt: AT.toISOString(),
    });
    // A single target is its own p90.
    expect(measureRunTiming([checked(2_400)], AT)?.p90Ms).toBe(2_400);
  });

  it('leaves out targets without a time (skipped, role not assumed) and measures nothing from none', () => {
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
    expect(measureRunTiming([skipped, unreachable, checked(3_000)], AT)).toEqual({
      p90Ms: 3_000,
      targets: 1,
      measuredAt: AT.toISOString(),
    });
    expect(measureRunTiming([skipped, unreachable], AT)).toBeUndefined();
    expect(measureRunTiming([], AT)).toBeUndefined();
  });
});

describe('readRunTiming', () => {
  it('reads a stored entry, and no entry as no timing without a warning', () => {
    const timing = { p90Ms: 2_400, targets: 100, measuredAt: AT.toISOString() };
    expect(readRunTiming(timing)).toEqual({ timing });
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

  it('else the default', () => {
    expect(secondsPerTargetOf(org(), undefined)).toEqual({ seconds: 30, source: 'default' });
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
