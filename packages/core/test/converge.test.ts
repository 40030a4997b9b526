import { describe, expect, it } from 'vitest';
import {
  AwsCallError,
  applyPlan,
  type Change,
  changesApplied,
  checkContinue,
  converge,
  deadlineOf,
  EksKitError,
  InvalidInputError,
  type PlannedChange,
  type ProgressEvent,
  UNCHANGED,
} from '../src/index.js';

const change = (summary: string, resource = 'iam role ca'): Change => ({
  action: 'update',
  resource,
  summary,
});

/** Three steps whose writes append to `calls`; the second optionally fails like an SDK error. */
function plan(calls: string[], failSecond = false): PlannedChange[] {
  return [
    {
      change: change('trust policy'),
      operation: 'iam:UpdateAssumeRolePolicy',
      apply: async () => calls.push('a'),
    },
    {
      change: change('tags: team=web'),
      operation: 'iam:TagRole',
      target: 'ca',
      apply: async () => {
        if (failSecond)
          throw Object.assign(new Error('User: x is not authorized to perform: iam:TagRole'), {
            name: 'AccessDenied',
          });
        calls.push('b');
      },
    },
    { change: change('attach X', 'iam role other'), apply: async () => calls.push('c') },
  ];
}

describe('applyPlan', () => {
  it('in a dry run makes no write, reports every change and emits plan events', async () => {
    const calls: string[] = [];
    const events: ProgressEvent[] = [];
    const { changes } = await applyPlan(plan(calls), { dryRun: true, onEvent: (e) => events.push(e) });
    expect(calls).toEqual([]);
    expect(changes.map((c) => c.summary)).toEqual(['trust policy', 'tags: team=web', 'attach X']);
    expect(events.map((e) => `${e.type} ${e.resource}: ${e.message}`)).toEqual([
      'plan iam role ca: trust policy',
      'plan iam role ca: tags: team=web',
      'plan iam role other: attach X',
    ]);
  });

  it('applies in order and emits one applied event per write, after it', async () => {
    const calls: string[] = [];
    const seen: string[] = [];
    const { changes } = await applyPlan(plan(calls), {
      onEvent: (e) => seen.push(`${e.type}:${e.message} after ${calls.join('')}`),
    });
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(changes).toHaveLength(3);
    expect(seen).toEqual([
      'applied:trust policy after a',
      'applied:tags: team=web after ab',
      'applied:attach X after abc',
    ]);
  });

  it('reports a change without a write, and runs a write without a change with its own event', async () => {
    const calls: string[] = [];
    const events: ProgressEvent[] = [];
    const { changes } = await applyPlan(
      [
        { change: change('adopt: tag eks-kit:stack=prod') },
        {
          apply: async () => calls.push('batch'),
          event: { type: 'tags-applied', message: 'tagged 2 group(s)', resource: 'a,b' },
        },
      ],
      { onEvent: (e) => events.push(e) },
    );
    expect(calls).toEqual(['batch']);
    expect(changes.map((c) => c.summary)).toEqual(['adopt: tag eks-kit:stack=prod']);
    expect(events).toEqual([{ type: 'tags-applied', message: 'tagged 2 group(s)', resource: 'a,b' }]);
  });

  it('builds a step event from what its write answered', async () => {
    const events: ProgressEvent[] = [];
    await applyPlan(
      [
        {
          apply: async () => 'C123',
          event: (id) => ({
            type: 'route53.change',
            message: `Route 53 change ${String(id)} submitted`,
            resource: String(id),
          }),
        },
      ],
      { onEvent: (e) => events.push(e) },
    );
    expect(events).toEqual([
      { type: 'route53.change', message: 'Route 53 change C123 submitted', resource: 'C123' },
    ]);
  });

  it('stops at a failing write: the error names the operation and carries the changes already made', async () => {
    const calls: string[] = [];
    const events: string[] = [];
    const error = await applyPlan(plan(calls, true), { onEvent: (e) => events.push(e.message) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as AwsCallError).operation).toBe('iam:TagRole');
    expect((error as AwsCallError).message).toContain('iam:TagRole on ca failed');
    expect(changesApplied(error)?.map((c) => c.summary)).toEqual(['trust policy']);
    expect(calls).toEqual(['a']);
    expect(events).toEqual(['trust policy']);
  });

  it('drops the change of a write that answers UNCHANGED; earlier changes count as applied on failure', async () => {
    const events: string[] = [];
    const { changes } = await applyPlan(
      [
        { change: change('create role ca'), apply: async () => UNCHANGED },
        { change: change('tags: team=web'), apply: async () => undefined },
      ],
      { onEvent: (e) => events.push(e.message) },
    );
    expect(changes.map((c) => c.summary)).toEqual(['tags: team=web']);
    expect(events).toEqual(['tags: team=web']);
    const error = await applyPlan(
      [{ change: change('attach X'), apply: () => Promise.reject(new Error('boom')) }],
      {
        earlier: changes,
      },
    ).catch((e: unknown) => e);
    expect(changesApplied(error)?.map((c) => c.summary)).toEqual(['tags: team=web']);
  });

  it('passes an eks-kit error through unchanged', async () => {
    const refusal = new EksKitError('RolePathMismatch', 'path differs');
    const error = await applyPlan([
      { change: change('x'), operation: 'iam:UpdateRole', apply: () => Promise.reject(refusal) },
    ]).catch((e: unknown) => e);
    expect(error).toBe(refusal);
    expect(changesApplied(error)).toEqual([]);
  });

  it('checks the signal before each write: an abort between writes stops before the next one', async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const steps: PlannedChange[] = [
      {
        change: change('first'),
        apply: async () => {
          calls.push('first');
          controller.abort(new EksKitError('Aborted', 'stopped by the user'));
        },
      },
      { change: change('second'), apply: async () => calls.push('second') },
    ];
    const error = await applyPlan(steps, { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as EksKitError).code).toBe('Aborted');
    expect(calls).toEqual(['first']);
    expect(changesApplied(error)?.map((c) => c.summary)).toEqual(['first']);
  });

  it('starts no write after the deadline (Timeout, with the changes already made)', async () => {
    const calls: string[] = [];
    const steps: PlannedChange[] = [
      { change: change('first'), apply: async () => calls.push('first') },
      { change: change('second'), apply: async () => calls.push('second') },
    ];
    const error = await applyPlan(steps, { deadline: Date.now() - 1 }).catch((e: unknown) => e);
    expect((error as EksKitError).code).toBe('Timeout');
    expect(calls).toEqual([]);
    expect(changesApplied(error)).toEqual([]);
  });
});

describe('converge', () => {
  it('reads, plans from the state and applies; a second run with the new state plans nothing', async () => {
    let tags: Record<string, string> = {};
    const run = () =>
      converge(
        {
          read: async () => ({ ...tags }),
          plan: (state) =>
            state.team === 'web'
              ? []
              : [
                  {
                    change: change('tags: team=web'),
                    apply: async () => {
                      tags = { team: 'web' };
                    },
                  },
                ],
        },
        {},
      );
    const first = await run();
    expect(first.changes).toHaveLength(1);
    expect(first.state).toEqual({});
    const second = await run();
    expect(second.changes).toEqual([]);
    expect(second.state).toEqual({ team: 'web' });
  });

  it('does not plan after an abort during the read', async () => {
    const controller = new AbortController();
    let planned = false;
    const error = await converge(
      {
        read: async () => controller.abort(),
        plan: () => {
          planned = true;
          return [];
        },
      },
      { signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(error).toBeDefined();
    expect(planned).toBe(false);
  });
});

describe('deadlineOf and checkContinue', () => {
  it('refuses a timeout that is not a positive number, naming the field', () => {
    expect(() => deadlineOf({ timeoutMs: 0 })).toThrow(InvalidInputError);
    expect(() => deadlineOf({ timeoutMs: -5 })).toThrow(/^timeoutMs: expected a positive number/);
    expect(deadlineOf({})).toBeUndefined();
  });

  it('throws Timeout only once the deadline has passed', () => {
    expect(() => checkContinue(undefined, Date.now() + 60_000)).not.toThrow();
    expect(() => checkContinue(undefined, Date.now() - 1, 'iam role ca')).toThrow(
      /next write of iam role ca/,
    );
  });
});
