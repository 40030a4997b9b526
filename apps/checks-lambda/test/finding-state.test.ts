import { finding } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  type CheckState,
  changeNotice,
  compareWithPrevious,
  parseCheckState,
  serializeCheckState,
  summarizeRuns,
  type TargetResult,
} from '../src/index.js';

const T0 = new Date('2026-12-01T06:00:00.000Z');
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);

function results(
  fails: Array<[task: string, check: string, resource: string]>,
  outcomes: Record<string, 'completed' | 'threw'> = {},
): TargetResult[] {
  const tasks = ['drift.autoscaler.tags', 'certificates'];
  return [
    {
      target: 'self',
      region: 'eu-west-1',
      runs: tasks.map((name) => ({
        name,
        outcome: outcomes[name] ?? 'completed',
        durationMs: 1,
        findings: fails
          .filter(([task]) => task === name)
          .map(([, check, resource]) =>
            finding(check, resource, 'fail', `${check} broke`, { hint: `fix ${resource}` }),
          ),
      })),
    },
  ];
}

describe('compareWithPrevious (alert on change)', () => {
  const a: [string, string, string] = ['drift.autoscaler.tags', 'autoscaler.tags', 'group-a'];
  const b: [string, string, string] = ['certificates', 'certificate.validation-record', 'arn:cert'];

  it('a first run announces every failure; a clean first run announces nothing', () => {
    expect(compareWithPrevious(undefined, results([a, b]), T0).changes.notice).toBe('first-run');
    expect(compareWithPrevious(undefined, results([]), T0).changes.notice).toBe('none');
  });

  it('keeps since-dates, and tells new, resolved and still failing apart', () => {
    const first = compareWithPrevious(undefined, results([a]), T0).state;
    const { changes, state } = compareWithPrevious(first, results([b]), day(1));
    expect(changes.notice).toBe('change');
    expect(changes.newFailures.map((f) => f.resource)).toEqual(['arn:cert']);
    expect(changes.resolved.map((f) => [f.resource, f.since])).toEqual([['group-a', T0.toISOString()]]);
    expect(state.targets.self).toEqual([
      ['certificate.validation-record', 'arn:cert', 'certificates', day(1).toISOString()],
    ]);
  });

  it('a check that did not complete resolves nothing: its failures stay', () => {
    const first = compareWithPrevious(undefined, results([a, b]), T0).state;
    const { changes, state } = compareWithPrevious(
      first,
      results([b], { 'drift.autoscaler.tags': 'threw' }),
      day(1),
    );
    expect(changes.resolved).toEqual([]);
    expect(changes.stillFailing.map((f) => f.resource).sort()).toEqual(['arn:cert', 'group-a']);
    expect(state.targets.self).toHaveLength(2);
  });

  it('forgets a target that is no longer checked', () => {
    const first = compareWithPrevious(undefined, results([a]), T0).state;
    const moved = results([]).map((r) => ({ ...r, target: 'arn:aws:iam::222222222222:role/eks-kit-checks' }));
    const { changes, state } = compareWithPrevious(first, moved, day(1));
    expect([changes.resolved, changes.stillFailing]).toEqual([[], []]);
    expect(state.targets).toEqual({});
  });

  it('keeps, unannounced, the failures of a target a failed batch did not report', () => {
    const first = compareWithPrevious(undefined, results([a]), T0).state;
    const other = results([]).map((r) => ({ ...r, target: 'arn:aws:iam::222222222222:role/eks-kit-checks' }));
    const { changes, state } = compareWithPrevious(first, other, day(1), 7, { keepUnreported: true });
    expect([changes.resolved, changes.stillFailing, changes.newFailures]).toEqual([[], [], []]);
    expect(changes.notice).toBe('none');
    expect(state.targets.self).toEqual(first.targets.self);
  });

  it('reminds unchanged failures once the interval has passed, not before', () => {
    const first = compareWithPrevious(undefined, results([a]), T0).state;
    expect(compareWithPrevious(first, results([a]), day(6)).changes.notice).toBe('none');
    const week = compareWithPrevious(first, results([a]), day(7));
    expect(week.changes.notice).toBe('reminder');
    expect(week.state.remindedAt).toBe(day(7).toISOString());
    expect(compareWithPrevious(first, results([a]), day(2), 2).changes.notice).toBe('reminder');
  });

  it('reads back what it stores, and takes the template initial {} for a first run', () => {
    const { state } = compareWithPrevious(undefined, results([a, b]), T0);
    expect(parseCheckState(serializeCheckState(state).text)).toEqual(state);
    expect(parseCheckState('{}')).toBeUndefined();
    expect(parseCheckState('not json')).toBeUndefined();
  });

  it('stays within 8 KB, leaving out the last failures and saying how many', () => {
    const many: CheckState = {
      v: 1,
      lastRunAt: T0.toISOString(),
      targets: {
        self: Array.from({ length: 200 }, (_, i) => [
          'c',
          `resource-${i}-${'x'.repeat(40)}`,
          't',
          T0.toISOString(),
        ]),
      },
    };
    const { text, dropped } = serializeCheckState(many);
    expect(text.length).toBeLessThanOrEqual(8192);
    expect(dropped).toBeGreaterThan(0);
    expect(parseCheckState(text)?.targets.self).toHaveLength(200 - dropped);
  });

  it('writes the change notice: new with fix, resolved, still failing with since', () => {
    const first = compareWithPrevious(undefined, results([a, b]), T0).state;
    const next = results([b, ['drift.autoscaler.tags', 'autoscaler.tags', 'group-c']]);
    const { changes } = compareWithPrevious(first, next, day(1));
    const notice = changeNotice(summarizeRuns('prod', next), changes);
    expect(notice?.subject).toBe('eks-kit checks: 1 new failure, 1 resolved in stack prod');
    expect(notice?.message).toContain(
      'NEW (1)\nFAIL autoscaler.tags group-c: autoscaler.tags broke\n  fix: fix group-c',
    );
    expect(notice?.message).toContain(
      'RESOLVED (1)\nOK   autoscaler.tags group-a (was failing since 2026-12-01)',
    );
    expect(notice?.message).toContain(
      'STILL FAILING (1)\nFAIL certificate.validation-record arn:cert (failing since 2026-12-01)',
    );
  });
});
