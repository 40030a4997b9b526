/**
 * An organisation run sized from what the last run measured (issue 21 review, item 3), against the
 * emulator's Organizations, STS and S3 with the real SDK clients: a split run (the template's state
 * machine played against the handler) records its targets' p90 time in the state; the next plan uses
 * it (x2) and cuts fewer batches than the 30 s default; EKS_KIT_SECONDS_PER_TARGET wins (and the plan
 * then reads no state); an old state without timing, or a malformed one, plans with the default.
 * Target times come from a virtual clock the checks move (`targetClock`): nothing depends on the
 * machine's speed.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { createClients, finding } from '@eks-kit/core';
import { parseStack } from '@eks-kit/stack';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CheckTask,
  checksDeployTemplate,
  checkTargets,
  createChecksHandler,
  measureRunTiming,
  type PlanResult,
  putJson,
  readCheckStateObject,
  STATE_OBJECT_KEY,
  type TargetResult,
  writeBatchResults,
} from '../src/index.js';
import { captureOutput } from './fixtures/capture-output.js';
import { runFanOut } from './fixtures/run-state-machine.js';

const MANAGEMENT = '100000000000';
const ROLE = 'eks-kit-checks';
const BUCKET = 'eks-kit-checks-timing-runs';
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY1',
};
const STACK = 'name: org\ncluster:\n  name: org\n  region: eu-west-1\n  kubernetesVersion: "1.35"\n';
/** 12 members and the management account: 13 targets in one region. */
const MEMBERS = Array.from({ length: 12 }, (_, i) => String(100000000001 + i));
/** The one slow account: 20 s, where every other takes 2 s (the p90 leaves it out, a maximum would not). */
const SLOW = MEMBERS[5] as string;
const RAN_AT = new Date('2026-12-07T06:00:00.000Z');

function world(): World {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'sts:AssumeRole' },
    ],
  };
  const role = { iam: { roles: [{ name: ROLE, assumeRolePolicyDocument: trust }] } };
  return {
    accountId: MANAGEMENT,
    region: 'eu-west-1',
    ...role,
    s3: { buckets: [BUCKET] },
    organizations: { accounts: MEMBERS.map((id, i) => ({ id, name: `workload-${i}` })) },
    accounts: Object.fromEntries(MEMBERS.map((id) => [id, role])),
  };
}

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world() });
});
beforeEach(() => emu.reset());
afterAll(() => emu?.stop());

/** The virtual clock of the targets' times: each check moves it by its account's time. */
let virtualMs = 0;
const timedCheck: CheckTask = {
  name: 'timed',
  resource: 'org',
  async run(clients) {
    const me = await (await clients.sts()).send(new GetCallerIdentityCommand({}));
    virtualMs += me.Account === SLOW ? 20_000 : 2_000;
    return [finding('timed', `${me.Account}`, 'ok', 'looked')];
  },
};

function handlerFor(extra: Record<string, string> = {}) {
  return createChecksHandler({
    env: {
      EKS_KIT_STACK: STACK,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: emu.url,
      EKS_KIT_TARGETS_FROM: 'organization',
      EKS_KIT_ORGANIZATION_ROLE_NAME: ROLE,
      // One target at a time: each target's time is exactly what its check moved the clock by.
      EKS_KIT_TARGET_CONCURRENCY: '1',
      EKS_KIT_ASSUME_ROLE_RATE: '100',
      EKS_KIT_RUN_BUCKET: BUCKET,
      ...extra,
    },
    clientOptions: { credentials, maxAttempts: 4 },
    checkTasks: () => [timedCheck],
    now: () => RAN_AT,
    targetClock: () => virtualMs,
  });
}

/** 40 s left: 30 s for checks. At the default 30 s a target that is one target a batch. */
const context = (seconds = 40) => ({ getRemainingTimeInMillis: () => seconds * 1000, awsRequestId: 't' });

/** Plan a run; answers the plan, its log lines, and whether the plan step read the state object. */
async function plan(extra: Record<string, string> = {}) {
  const before = emu.calls({ service: 's3', operation: 'GetObject' }).length;
  const { result, lines } = await captureOutput(
    () => handlerFor(extra)({ phase: 'plan', runId: 'next' }, context()) as Promise<PlanResult>,
  );
  const readState = emu
    .calls({ service: 's3', operation: 'GetObject' })
    .slice(before)
    .some((c) => JSON.stringify(c.input).includes(STATE_OBJECT_KEY));
  return { plan: result, lines, readState };
}

/** Play the template's state machine (plan, Distributed Map of batches, report) against the handler. */
async function splitRun(executionName: string) {
  const definition = checksDeployTemplate(parseStack(STACK, 'eks-kit.yaml'), {
    organization: { roleName: ROLE },
  }).Resources.ChecksStateMachine?.Properties.Definition;
  const s3 = new S3Client({ region: 'eu-west-1', endpoint: emu.url, credentials });
  const handler = handlerFor();
  try {
    const { result } = await captureOutput(() =>
      runFanOut({
        definition,
        substitutions: { RunBucket: BUCKET, FunctionArn: 'arn:aws:lambda:eu-west-1:100000000000:function:x' },
        executionName,
        s3,
        handler: (event) => handler(event, context()),
      }),
    );
    return result;
  } finally {
    s3.destroy();
  }
}

async function storedState() {
  const base = await createClients({ region: 'eu-west-1', endpoint: emu.url, credentials });
  try {
    return await readCheckStateObject(base, BUCKET);
  } finally {
    base.destroy();
  }
}

async function writeState(state: unknown) {
  const base = await createClients({ region: 'eu-west-1', endpoint: emu.url, credentials });
  try {
    await putJson(base, BUCKET, STATE_OBJECT_KEY, state);
  } finally {
    base.destroy();
  }
}

const warnings = (lines: Array<Record<string, unknown>>) =>
  lines.filter((l) => l.level === 'WARN').map((l) => String(l.message));

describe('an organisation run sized from the last run', () => {
  it('records the p90 of its targets in the state, and the next plan cuts fewer batches from it', async () => {
    virtualMs = 0;
    // Before any run: the default, 30 s a target, one target a batch in 30 s.
    const first = await plan();
    expect(first.plan.secondsPerTarget).toBe(30);
    expect(first.plan.secondsPerTargetSource).toBe('default');
    expect(first.plan.batchCount).toBe(13);

    // A whole split run: 13 batches through the run bucket, then the report keeps the timing.
    const run = await splitRun('measured');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.children).toBe(13);
    const state = await storedState();
    // 12 targets of 2 s and one of 20 s: the 90th percentile (nearest rank, 12th of 13) is 2 s.
    // Measured at this run's settings (one target at a time, the default 4 checks at once).
    expect(state?.timing).toEqual({
      p90Ms: 2000,
      targets: 13,
      measuredAt: RAN_AT.toISOString(),
      targetConcurrency: 1,
      checkConcurrency: 4,
    });

    // The next plan: 2 s x 2 = 4 s a target, 7 targets in 30 s: 2 batches instead of 13.
    const next = await plan();
    expect(next.readState).toBe(true);
    expect(next.plan.secondsPerTarget).toBe(4);
    expect(next.plan.secondsPerTargetSource).toBe(
      'measured by the run of 2026-12-07T06:00:00.000Z: p90 2.0 s x 2 (13 targets)',
    );
    expect(next.plan.batchCount).toBe(2);
    expect(next.plan.batchCount).toBeLessThan(first.plan.batchCount);
    expect(next.plan.message).toContain(
      'planned at 4 s a target (measured by the run of 2026-12-07T06:00:00.000Z: p90 2.0 s x 2 (13 targets))',
    );
    // The logged plan says where the figure came from too.
    const logged = next.lines.find((l) => l.message === next.plan.message) as
      | { plan?: { secondsPerTarget?: number; secondsPerTargetSource?: string } }
      | undefined;
    expect(logged?.plan?.secondsPerTarget).toBe(4);
    expect(logged?.plan?.secondsPerTargetSource).toMatch(/^measured by the run of /);
  });

  it('plans with EKS_KIT_SECONDS_PER_TARGET when it is set, and then reads no state', async () => {
    await writeState({
      v: 1,
      lastRunAt: RAN_AT.toISOString(),
      targets: {},
      timing: { p90Ms: 2000, targets: 13, measuredAt: RAN_AT.toISOString() },
    });
    const { plan: set, readState } = await plan({ EKS_KIT_SECONDS_PER_TARGET: '10' });
    expect(readState).toBe(false);
    expect(set.secondsPerTarget).toBe(10);
    expect(set.secondsPerTargetSource).toBe('EKS_KIT_SECONDS_PER_TARGET');
    // 3 targets in 30 s: 5 batches (the measured 4 s would make 2).
    expect(set.batchCount).toBe(5);
    expect(set.message).toContain('planned at 10 s a target (EKS_KIT_SECONDS_PER_TARGET)');
  });

  it('plans with the default from a state written before timings were kept', async () => {
    await writeState({ v: 1, lastRunAt: RAN_AT.toISOString(), targets: { [`${SLOW}@eu-west-1`]: [] } });
    const { plan: old, lines, readState } = await plan();
    expect(readState).toBe(true);
    expect(old.secondsPerTarget).toBe(30);
    expect(old.secondsPerTargetSource).toBe('default');
    expect(old.batchCount).toBe(13);
    expect(warnings(lines).filter((w) => w.includes('timing'))).toEqual([]);
  });

  it('ignores a malformed timing with a warning and plans with the default', async () => {
    for (const timing of [{ p90Ms: 'fast', targets: 13, measuredAt: RAN_AT.toISOString() }, [2000], null]) {
      await writeState({ v: 1, lastRunAt: RAN_AT.toISOString(), targets: {}, timing });
      const { plan: bad, lines } = await plan();
      expect(bad.secondsPerTargetSource).toBe('default');
      expect(bad.batchCount).toBe(13);
      expect(
        warnings(lines).filter((w) => /stored timing of the last run is malformed/.test(w)),
      ).toHaveLength(1);
    }
  });

  it('does not carry a malformed timing on when a run times no target', async () => {
    await writeState({ v: 1, lastRunAt: RAN_AT.toISOString(), targets: {}, timing: { p90Ms: 'fast' } });
    const { result } = await captureOutput(() => reportOf([suspendedSlow()]));
    expect(result.state).toEqual({ written: true, dropped: 0 });
    const state = await storedState();
    expect(state?.lastRunAt).toBe(RAN_AT.toISOString());
    expect(state).not.toHaveProperty('timing');
  });

  it('keeps the last measure when a run times no target, and a whole run records its own', async () => {
    const measured = { p90Ms: 2000, targets: 13, measuredAt: '2026-12-06T06:00:00.000Z' };
    await writeState({ v: 1, lastRunAt: measured.measuredAt, targets: {}, timing: measured });
    // A report whose batches checked nothing (a suspended account, a role that could not be assumed):
    // nothing measured, the last figure stays.
    const { result: report } = await captureOutput(() =>
      reportOf([
        suspendedSlow(),
        {
          target: `${MEMBERS[0]}@eu-west-1`,
          region: 'eu-west-1',
          runs: [{ name: 'checks.assume-role', outcome: 'threw', durationMs: 3, findings: [] }],
        },
      ]),
    );
    expect(report.targetCounts).toEqual({ checked: 0, skipped: 1, unreachable: 1 });
    expect(report.state).toEqual({ written: true, dropped: 0 });
    expect((await storedState())?.timing).toEqual(measured);
    // A whole run that fits (900 s) checks all 13 and records its own measure.
    virtualMs = 0;
    const { result } = await captureOutput(() => handlerFor()({}, context(900)));
    expect(result.targetCounts.checked).toBe(13);
    expect((await storedState())?.timing).toEqual({
      p90Ms: 2000,
      targets: 13,
      measuredAt: RAN_AT.toISOString(),
      targetConcurrency: 1,
      checkConcurrency: 4,
    });
  });
});

/** The report phase of a split run whose one batch wrote `results`. */
const reportOf = (results: TargetResult[]) =>
  handlerFor()({ phase: 'report', batches: [{ results }] }, context());
/** The slow account, suspended: reported as skipped, nothing timed. */
const suspendedSlow = (): TargetResult => ({
  target: `${SLOW}@eu-west-1`,
  region: 'eu-west-1',
  skipped: 'account is SUSPENDED',
  runs: [],
});

/** A checked target's result as a batch writes it: one completed check, its time. */
const timedResult = (id: string, ms: number): TargetResult => ({
  target: `${id}@eu-west-1`,
  region: 'eu-west-1',
  accountId: id,
  durationMs: ms,
  runs: [{ name: 'timed', outcome: 'completed', durationMs: ms, findings: [] }],
});
/** 25 accounts (more than MIN_TIMED_TARGETS) at `ms` each. */
const timedResults = (ms: number) =>
  Array.from({ length: 25 }, (_, i) => timedResult(String(300000000000 + i), ms));
/** The stored timing of an earlier run at this suite's settings: 9 s. */
const NINE_SECONDS = {
  p90Ms: 9_000,
  targets: 25,
  measuredAt: '2026-12-06T06:00:00.000Z',
  targetConcurrency: 1,
  checkConcurrency: 4,
};

describe('a per-target timing that cannot make plans too tight (issue 21 review, item 1)', () => {
  it('times no target the deadline stopped, nor an account region checked after it (1a)', async () => {
    virtualMs = 0;
    // Three accounts in two regions, one at a time; the deadline (the invocation's signal) fires during the
    // first region of the second account.
    const deadline = new AbortController();
    const ids = [MEMBERS[0], SLOW, MEMBERS[6]] as string[];
    const targets = ids.flatMap((id) =>
      ['eu-west-1', 'us-east-1'].map((region) => ({
        label: `${id}@${region}`,
        roleArn: `arn:aws:iam::${id}:role/${ROLE}`,
        region,
        accountId: id,
      })),
    );
    const stopsTheRun: CheckTask = {
      name: 'timed',
      resource: 'org',
      async run(clients, signal) {
        const me = await (await clients.sts()).send(new GetCallerIdentityCommand({}));
        virtualMs += 2_000;
        if (me.Account === SLOW) {
          deadline.abort(new Error('the function is out of time'));
          // Cut by the deadline (its own signal is aborted with it): it never answers, and is left behind.
          expect(signal.aborted).toBe(true);
          await new Promise(() => undefined);
        }
        return [finding('timed', `${me.Account}`, 'ok', 'looked')];
      },
    };
    const base = await createClients({ region: 'eu-west-1', endpoint: emu.url, credentials, maxAttempts: 4 });
    let results: TargetResult[];
    try {
      results = await checkTargets(
        base,
        { targets: [], targetConcurrency: 1, checkConcurrency: 4, checkTimeoutMs: 60_000 },
        'eu-west-1',
        [stopsTheRun],
        { signal: deadline.signal, targets, now: () => virtualMs },
      );
    } finally {
      base.destroy();
    }
    const byLabel = new Map(results.map((r) => [r.target, r]));
    // The first account's two regions completed: 2 s each.
    expect(byLabel.get(`${MEMBERS[0]}@eu-west-1`)?.durationMs).toBe(2_000);
    expect(byLabel.get(`${MEMBERS[0]}@us-east-1`)?.durationMs).toBe(2_000);
    // The stopped target and every one after it carry no time, and say the deadline stopped them.
    for (const label of [
      `${SLOW}@eu-west-1`,
      `${SLOW}@us-east-1`,
      `${MEMBERS[6]}@eu-west-1`,
      `${MEMBERS[6]}@us-east-1`,
    ]) {
      const r = byLabel.get(label);
      expect(r, label).toBeDefined();
      expect(r, label).not.toHaveProperty('durationMs');
      expect(
        r?.runs.some((run) => run.stopped === true),
        label,
      ).toBe(true);
    }
    // SLOW's second region was answered at once (about 0 ms): it would have pulled the p90 down.
    expect(measureRunTiming(results, RAN_AT, { targetConcurrency: 1, checkConcurrency: 4 })).toMatchObject({
      p90Ms: 2_000,
      targets: 2,
    });
  });

  it('never lowers the stored timing from a run whose targets the deadline stopped (1b)', async () => {
    await writeState({ v: 1, lastRunAt: NINE_SECONDS.measuredAt, targets: {}, timing: NINE_SECONDS });
    const stopped: TargetResult = {
      target: `${SLOW}@eu-west-1`,
      region: 'eu-west-1',
      runs: [{ name: 'timed', outcome: 'timed-out', durationMs: 3, findings: [], stopped: true }],
    };
    const { result } = await captureOutput(() =>
      handlerFor()({ phase: 'report', batches: [{ results: [...timedResults(1_000), stopped] }] }, context()),
    );
    expect(result.state).toEqual({ written: true, dropped: 0 });
    // 25 of 26 targets timed at 1 s: enough for a measure, but the run was cut short: 9 s stays.
    expect((await storedState())?.timing).toEqual(NINE_SECONDS);
  });

  it('never lowers the stored timing from a split run with batches missing (1b)', async () => {
    await writeState({ v: 1, lastRunAt: NINE_SECONDS.measuredAt, targets: {}, timing: NINE_SECONDS });
    const base = await createClients({ region: 'eu-west-1', endpoint: emu.url, credentials });
    try {
      // Batch 0 wrote 25 targets of 1 s; batch 1 wrote nothing (its invocation failed).
      await writeBatchResults(base, BUCKET, 'run-missing', 0, timedResults(1_000));
    } finally {
      base.destroy();
    }
    const { result } = await captureOutput(() =>
      handlerFor()({ phase: 'report', runId: 'run-missing', batchCount: 2 }, context()),
    );
    expect(result.missingBatches).toBe(1);
    expect((await storedState())?.timing).toEqual(NINE_SECONDS);
    // The same results with every batch there replace it.
    const { result: whole } = await captureOutput(() =>
      handlerFor()({ phase: 'report', batches: [{ results: timedResults(1_000) }] }, context()),
    );
    expect(whole.missingBatches).toBe(0);
    expect((await storedState())?.timing).toEqual({
      p90Ms: 1_000,
      targets: 25,
      measuredAt: RAN_AT.toISOString(),
      targetConcurrency: 1,
      checkConcurrency: 4,
    });
  });

  it('keeps the stored timing when a run timed fewer targets than it needs (1c)', async () => {
    await writeState({ v: 1, lastRunAt: NINE_SECONDS.measuredAt, targets: {}, timing: NINE_SECONDS });
    virtualMs = 0;
    // A whole run of the 13 targets where the check throws in three accounts (fast, 100 ms): 10 timed
    // of 13 live, and an organisation under 20 live targets needs all of them.
    const throwing = new Set([MEMBERS[1], MEMBERS[2], MEMBERS[3]]);
    const handler = createChecksHandler({
      env: {
        EKS_KIT_STACK: STACK,
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: emu.url,
        EKS_KIT_TARGETS_FROM: 'organization',
        EKS_KIT_ORGANIZATION_ROLE_NAME: ROLE,
        EKS_KIT_TARGET_CONCURRENCY: '1',
        EKS_KIT_ASSUME_ROLE_RATE: '100',
        EKS_KIT_RUN_BUCKET: BUCKET,
      },
      clientOptions: { credentials, maxAttempts: 4 },
      checkTasks: () => [
        {
          name: 'timed',
          resource: 'org',
          async run(clients) {
            const me = await (await clients.sts()).send(new GetCallerIdentityCommand({}));
            if (throwing.has(me.Account as string)) {
              virtualMs += 100;
              throw new Error('AccessDenied');
            }
            virtualMs += 1_000;
            return [finding('timed', `${me.Account}`, 'ok', 'looked')];
          },
        },
      ],
      now: () => RAN_AT,
      targetClock: () => virtualMs,
    });
    const { result } = await captureOutput(() => handler({}, context(900)));
    expect(result.targetCounts.checked).toBe(13);
    expect(result.checkErrors).toBe(3);
    expect((await storedState())?.timing).toEqual(NINE_SECONDS);
  });

  it('plans with the default from a timing measured at other settings or more than 30 days ago, and says so (1d)', async () => {
    const cases = [
      {
        timing: { ...NINE_SECONDS, measuredAt: RAN_AT.toISOString(), targetConcurrency: 16 },
        why: 'measured at 16 targets and 4 checks at once, this run has 1 and 4',
      },
      {
        timing: { ...NINE_SECONDS, measuredAt: RAN_AT.toISOString(), checkConcurrency: 8 },
        why: 'measured at 1 targets and 8 checks at once, this run has 1 and 4',
      },
      {
        timing: { ...NINE_SECONDS, p90Ms: 2_000, measuredAt: '2026-11-06T05:59:59.000Z' },
        why: 'measured on 2026-11-06T05:59:59.000Z, more than 30 days ago',
      },
      {
        timing: { p90Ms: 2_000, targets: 13, measuredAt: RAN_AT.toISOString() },
        why: `measured on ${RAN_AT.toISOString()} without its run settings (stored by an older version)`,
      },
    ];
    for (const { timing, why } of cases) {
      await writeState({ v: 1, lastRunAt: RAN_AT.toISOString(), targets: {}, timing });
      const { plan: planned, lines } = await plan();
      expect(planned.secondsPerTarget, why).toBe(30);
      expect(planned.batchCount, why).toBe(13);
      expect(planned.secondsPerTargetSource).toBe(`default (the last run's timing is not used: ${why})`);
      expect(planned.message).toContain(
        `planned at 30 s a target (default (the last run's timing is not used: ${why}))`,
      );
      // Not malformed: no warning of it (the plan that does not fit is itself a WARN line).
      expect(warnings(lines).filter((w) => w.includes('malformed'))).toEqual([]);
    }
    // Measured at this run's settings exactly 30 days ago: still used (2 s x 2 = 4 s a target).
    await writeState({
      v: 1,
      lastRunAt: RAN_AT.toISOString(),
      targets: {},
      timing: { ...NINE_SECONDS, p90Ms: 2_000, measuredAt: '2026-11-07T06:00:00.000Z' },
    });
    const { plan: used } = await plan();
    expect(used.secondsPerTarget).toBe(4);
    expect(used.batchCount).toBe(2);
  });
});
