/**
 * Targets from AWS Organizations (issue 21), against the emulator's Organizations and STS over several
 * accounts: every target reported once, suspended accounts skipped, a missing role a finding, a throttled
 * AssumeRole retried, pagination past 20 accounts, an OU filter (nested OUs included), and the decision
 * to split a run that one invocation cannot finish, carried through plan, batch and report events.
 */
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { createClients, EksKitError, finding, InvalidInputError } from '@eks-kit/core';
import { parseStack } from '@eks-kit/stack';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AssumeRoleTarget,
  type CheckState,
  type ChecksResult,
  type CheckTask,
  checksDeployTemplate,
  createChecksHandler,
  getJson,
  type ReportResult,
  readCheckStateObject,
  readHandlerConfig,
  type TargetResult,
} from '../src/index.js';
import { captureOutput, loggedFindings, loggedSummary } from './fixtures/capture-output.js';
import { runFanOut } from './fixtures/run-state-machine.js';

const MANAGEMENT = '100000000000';
const REGIONS = ['eu-west-1', 'us-east-1'];
const ROLE = 'eks-kit-checks';
const BUCKET = 'eks-kit-checks-org-runs';
const OU_PROD = 'ou-ex12-prod0001';
const OU_PROD_EU = 'ou-ex12-prodeu01';
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY1',
};
const STACK = 'name: org\ncluster:\n  name: org\n  region: eu-west-1\n  kubernetesVersion: "1.35"\n';

/** 25 member accounts: #3 suspended, #4 without the role; #0-#4 in prod, #5-#7 in prod/eu (nested). */
const member = (i: number) => String(100000000001 + i);
const MEMBERS = Array.from({ length: 25 }, (_, i) => member(i));
const SUSPENDED = member(3);
const NO_ROLE = member(4);
/** A member account registered as a delegated administrator in one test's world: the function runs there. */
const DELEGATED = member(9);
const trustOf = (account: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' },
  ],
});

/** The organisation; `trusted` is the account whose function the roles trust (default the management's). */
function world(trusted = MANAGEMENT): World {
  const trust = trustOf(trusted);
  const accounts: NonNullable<World['accounts']> = {};
  for (const id of MEMBERS) {
    accounts[id] =
      id === NO_ROLE ? {} : { iam: { roles: [{ name: ROLE, assumeRolePolicyDocument: trust }] } };
  }
  return {
    accountId: MANAGEMENT,
    region: 'eu-west-1',
    // The management account holds the role too (it is one of the organisation's accounts).
    iam: { roles: [{ name: ROLE, assumeRolePolicyDocument: trust }] },
    // The run bucket of a split run (the template's RunBucket).
    s3: { buckets: [BUCKET] },
    organizations: {
      organizationalUnits: [
        { id: OU_PROD, name: 'prod' },
        { id: OU_PROD_EU, name: 'prod-eu', parentId: OU_PROD },
      ],
      accounts: MEMBERS.map((id, i) => ({
        id,
        name: `workload-${i}`,
        ...(id === SUSPENDED ? { state: 'SUSPENDED' as const } : {}),
        ...(i < 5 ? { parentId: OU_PROD } : i < 8 ? { parentId: OU_PROD_EU } : {}),
      })),
    },
    accounts,
  };
}

/** One check per target: which account and region its clients reach (GetCallerIdentity). */
const whoAmI: CheckTask = {
  name: 'who-am-i',
  resource: 'org',
  async run(clients) {
    const me = await (await clients.sts()).send(new GetCallerIdentityCommand({}));
    return [finding('who-am-i', `${me.Account}@${clients.region}`, 'ok', `reached ${me.Arn}`)];
  },
};

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world() });
});
beforeEach(() => emu.reset());
afterAll(() => emu?.stop());

const orgEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  EKS_KIT_STACK: STACK,
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL: emu.url,
  EKS_KIT_TARGETS_FROM: 'organization',
  EKS_KIT_ORGANIZATION_ROLE_NAME: ROLE,
  EKS_KIT_TARGET_REGIONS: REGIONS.join(','),
  EKS_KIT_TARGET_CONCURRENCY: '4',
  EKS_KIT_ASSUME_ROLE_RATE: '100',
  EKS_KIT_SECONDS_PER_TARGET: '5',
  ...extra,
});

function handlerFor(extra: Record<string, string> = {}) {
  return createChecksHandler({
    env: orgEnv(extra),
    clientOptions: { credentials, maxAttempts: 4 },
    checkTasks: () => [whoAmI],
  });
}

const context = (seconds = 300) => ({ getRemainingTimeInMillis: () => seconds * 1000, awsRequestId: 't' });

/** Every target of the summary, by label, once each: 'checked' | 'skipped' | 'role' (not assumed). */
function outcomes(result: ChecksResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of result.targets) {
    expect(out.has(t.target), `${t.target} reported twice`).toBe(false);
    const assumeFailed = t.checks.some((c) => c.name === 'checks.assume-role');
    out.set(t.target, t.skipped ? 'skipped' : assumeFailed ? 'role' : 'checked');
  }
  return out;
}

describe('targets from AWS Organizations', () => {
  it('reports every account and region once: checked, suspended skipped, missing role a finding', async () => {
    const { result } = await captureOutput(() => handlerFor()({}, context()));
    const all = [MANAGEMENT, ...MEMBERS];
    const got = outcomes(result);
    expect([...got.keys()].sort()).toEqual(all.flatMap((id) => REGIONS.map((r) => `${id}@${r}`)).sort());
    for (const r of REGIONS) {
      expect(got.get(`${SUSPENDED}@${r}`)).toBe('skipped');
      expect(got.get(`${NO_ROLE}@${r}`)).toBe('role');
      expect(got.get(`${member(0)}@${r}`)).toBe('checked');
    }
    expect(result.targetCounts).toEqual({ checked: 2 * 24, skipped: 2, unreachable: 2 });
    // Each checked target's clients reached its own account in its own region.
    const reached = result.findings.filter((f) => f.check === 'who-am-i').map((f) => `${f.resource}`);
    expect(reached.sort()).toEqual(
      all
        .filter((id) => id !== SUSPENDED && id !== NO_ROLE)
        .flatMap((id) => REGIONS.map((r) => `${id}@${r}`))
        .sort(),
    );
    const missing = result.findings.filter((f) => f.check === 'checks.assume-role');
    expect(missing.map((f) => [f.target, f.status])).toEqual(REGIONS.map((r) => [`${NO_ROLE}@${r}`, 'fail']));
    expect(missing[0]?.message).toContain(
      'the role is missing or its trust policy does not allow this function',
    );
    // 26 accounts: ListAccounts pages of 20 (two calls); one AssumeRole per account that is not
    // suspended, whatever the number of regions; nothing at all in the suspended account.
    expect(emu.calls({ service: 'organizations', operation: 'ListAccounts' })).toHaveLength(2);
    const assumed = emu
      .calls({ service: 'sts', operation: 'AssumeRole' })
      .map((c) => String(c.input.RoleArn));
    expect(assumed.sort()).toEqual(
      all
        .filter((id) => id !== SUSPENDED)
        .map((id) => `arn:aws:iam::${id}:role/${ROLE}`)
        .sort(),
    );
    expect(emu.calls({ account: SUSPENDED })).toHaveLength(0);
    // Who each target runs as comes from its AssumeRole answer: no GetCallerIdentity per target.
    expect(emu.calls({ service: 'sts', operation: 'GetCallerIdentity' })).toHaveLength(0);
  });

  it("signs each target's calls with that target's own assumed-role credentials, 4 targets at a time", async () => {
    // A check that reaches each target's account (IAM ListRoles, signed with the target's credentials).
    const listRoles: CheckTask = {
      name: 'list-roles',
      resource: 'org',
      async run(clients) {
        await (await clients.iam()).send(new ListRolesCommand({}));
        return [finding('list-roles', clients.region, 'ok', 'listed')];
      },
    };
    const handler = createChecksHandler({
      env: orgEnv({ EKS_KIT_TARGET_REGIONS: 'eu-west-1' }),
      clientOptions: { credentials, maxAttempts: 4 },
      checkTasks: () => [listRoles],
    });
    const { result } = await captureOutput(() => handler({}, context()));
    const checked = [MANAGEMENT, ...MEMBERS].filter((id) => id !== SUSPENDED && id !== NO_ROLE);
    expect(result.targetCounts.checked).toBe(checked.length);
    // Every AssumeRole is signed by the function's own key; every IAM call by a key only its account uses.
    for (const call of emu.calls({ service: 'sts', operation: 'AssumeRole' }))
      expect(call.accessKeyId).toBe(credentials.accessKeyId);
    const listed = emu.calls({ service: 'iam', operation: 'ListRoles' }).filter((c) => c.status === 200);
    const accountOfKey = new Map<string, string>();
    for (const call of listed) {
      expect(call.accessKeyId).toMatch(/^ASIA/);
      const key = call.accessKeyId as string;
      expect(accountOfKey.get(key) ?? call.account, `${key} used in two accounts`).toBe(call.account);
      accountOfKey.set(key, call.account as string);
    }
    expect([...new Set(accountOfKey.values())].sort()).toEqual([...checked].sort());
    expect(accountOfKey.size).toBe(checked.length);
  });

  it('takes only the accounts under the given OU, nested OUs included', async () => {
    const { result } = await captureOutput(() =>
      handlerFor({ EKS_KIT_ORGANIZATION_UNITS: OU_PROD, EKS_KIT_TARGET_REGIONS: 'eu-west-1' })({}, context()),
    );
    expect([...outcomes(result).keys()].sort()).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `${member(i)}@eu-west-1`).sort(),
    );
    expect(emu.calls({ service: 'organizations', operation: 'ListAccounts' })).toHaveLength(0);
    expect(
      emu
        .calls({ service: 'organizations', operation: 'ListAccountsForParent' })
        .map((c) => c.input.ParentId),
    ).toEqual([OU_PROD, OU_PROD_EU]);
  });

  it('retries a throttled AssumeRole and still checks that account', async () => {
    emu.setFaults([{ service: 'sts', operation: 'AssumeRole', kind: 'throttle', count: 3 }]);
    const { result } = await captureOutput(() =>
      handlerFor({ EKS_KIT_ORGANIZATION_UNITS: OU_PROD_EU, EKS_KIT_TARGET_REGIONS: 'eu-west-1' })(
        {},
        context(),
      ),
    );
    expect([...outcomes(result).values()]).toEqual(['checked', 'checked', 'checked']);
    const calls = emu.calls({ service: 'sts', operation: 'AssumeRole' });
    expect(calls.filter((c) => c.error === 'Throttling')).toHaveLength(3);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(3);
  });

  it('says before starting that the run cannot finish in one invocation, and splits it into batches that cover every target once', async () => {
    // 25 ACTIVE accounts x 2 regions at 60 s a target, 4 at a time: far more than 100 s.
    const env = { EKS_KIT_SECONDS_PER_TARGET: '60', EKS_KIT_BATCH_CONCURRENCY: '2' };
    const whole = await captureOutput(() => handlerFor(env)({}, context(100)).catch((e: unknown) => e));
    expect(whole.result).toBeInstanceOf(EksKitError);
    expect((whole.result as EksKitError).code).toBe('RunTooLong');
    expect((whole.result as Error).message).toMatch(
      /cannot finish in one invocation: 50 targets \(25 accounts\)/,
    );
    expect(emu.calls({ service: 'sts', operation: 'AssumeRole' })).toHaveLength(0);

    const { result: plan } = await captureOutput(() => handlerFor(env)({ phase: 'plan' }, context(100)));
    expect(plan.fits).toBe(false);
    expect(plan.estimateSeconds).toBeGreaterThan(plan.limitSeconds);
    expect(plan.limitSeconds).toBe(90);
    const planned = plan.batches ?? [];
    expect(plan.batchCount).toBe(planned.length);
    expect(planned.length).toBeGreaterThan(1);
    const labels = planned.flatMap((b) => b.targets.map((t: AssumeRoleTarget) => t.label));
    expect(labels).toHaveLength(52);
    expect(new Set(labels).size).toBe(52);
    // An account's regions stay in one batch (one AssumeRole per account).
    for (const b of planned) {
      const accounts = new Set(b.targets.map((t) => t.accountId));
      for (const a of accounts)
        expect(b.targets.filter((t) => t.accountId === a && !t.skip)).toHaveLength(a === SUSPENDED ? 0 : 2);
    }
    // The Distributed Map runs each batch; the report step joins them.
    const batches: Array<{ results: TargetResult[] }> = [];
    for (const b of planned) {
      const { result } = await captureOutput(() =>
        handlerFor(env)({ phase: 'batch', targets: b.targets }, context(100)),
      );
      expect(result.phase).toBe('batch');
      // ok findings are counted, not carried (Step Functions payloads are small).
      expect(
        (result.results ?? [])
          .flatMap((r) => r.runs.flatMap((run) => run.findings))
          .every((f) => f.status !== 'ok'),
      ).toBe(true);
      batches.push({ results: result.results ?? [] });
    }
    const { result: report, lines } = await captureOutput(() =>
      handlerFor(env)({ phase: 'report', batches }, context(100)),
    );
    // The report's answer is counts only (bounded for Step Functions); its log line has every target.
    expect(report).not.toHaveProperty('targets');
    expect(report).not.toHaveProperty('findings');
    expect(report.phase).toBe('report');
    expect(outcomes(loggedSummary(lines) as unknown as ChecksResult).size).toBe(52);
    expect(report.targetCounts).toEqual({ checked: 48, skipped: 2, unreachable: 2 });
    expect(report.counts.ok).toBe(48);
    expect(report.counts.fail).toBe(2);
    expect(report.missingBatches).toBe(0);
  });

  it('says when no split can fit: one target alone takes longer than an invocation has (issue 21 trial)', async () => {
    // 15 s left (5 s for checks) and 100 s a target: "split into N invocations of at most 5 s" was impossible.
    const env = { EKS_KIT_SECONDS_PER_TARGET: '100', EKS_KIT_TARGET_REGIONS: 'eu-west-1' };
    const { result } = await captureOutput(() => handlerFor(env)({}, context(15)).catch((e: unknown) => e));
    expect(result).toBeInstanceOf(EksKitError);
    const error = result as EksKitError;
    expect(error.code).toBe('RunTooLong');
    expect(error.message).not.toMatch(/split into/);
    expect(error.message).toMatch(
      new RegExp(
        `no split fits: target ${MANAGEMENT}@eu-west-1 is planned at 100 s on its own, more than the 5 s an invocation has for its checks`,
      ),
    );
    expect(error.message).toMatch(/raise the function's timeout/);
    expect(error.hint).toMatch(/^raise the function's timeout/);
    expect(emu.calls({ service: 'sts', operation: 'AssumeRole' })).toHaveLength(0);
    // The plan step says it too (and still plans, one account a batch, so that a run measures again).
    const { result: plan } = await captureOutput(() => handlerFor(env)({ phase: 'plan' }, context(15)));
    expect(plan.tooLongAlone).toEqual({
      target: `${MANAGEMENT}@eu-west-1`,
      targets: 1,
      estimateSeconds: 100,
    });
    expect(plan.message).not.toMatch(/split into/);
  });

  it('reports a run whose batch failed: the map goes on, Report names the missing batch, then the execution fails', async () => {
    // The template's state machine played against the handler, twice: a clean run (its failures, the
    // account without the role, are kept in the run bucket), then a run where the batch holding that
    // account fails (as a Lambda timeout would) and the others write their results.
    const env = {
      EKS_KIT_SECONDS_PER_TARGET: '60',
      EKS_KIT_BATCH_CONCURRENCY: '2',
      EKS_KIT_RUN_BUCKET: BUCKET,
    };
    const definition = checksDeployTemplate(parseStack(STACK, 'eks-kit.yaml'), {
      organization: { roleName: ROLE, batchConcurrency: 2 },
    }).Resources.ChecksStateMachine?.Properties.Definition;
    const s3 = new S3Client({ region: 'eu-west-1', endpoint: emu.url, credentials });
    const base = await createClients({ region: 'eu-west-1', endpoint: emu.url, credentials });
    const handler = handlerFor(env);
    let failedTargets = 0;
    const play = (executionName: string, fails: (targets: AssumeRoleTarget[]) => boolean) => {
      let answer: ReportResult | undefined;
      return captureOutput(() =>
        runFanOut({
          definition,
          substitutions: {
            RunBucket: BUCKET,
            FunctionArn: 'arn:aws:lambda:eu-west-1:100000000000:function:x',
          },
          executionName,
          s3,
          handler: async (event) => {
            if (event.phase === 'batch' && fails(event.targets)) {
              failedTargets = event.targets.length;
              throw new Error('Task timed out after 900.00 seconds');
            }
            const out = await handler(event, context(100));
            if (event.phase === 'report') answer = out as unknown as ReportResult;
            return out;
          },
        }),
      ).then(({ result, lines }) => ({ run: result, lines, answer, summary: loggedSummary(lines) }));
    };
    const noRole = (state: CheckState | undefined) =>
      Object.entries(state?.targets ?? {}).filter(([target]) => target.startsWith(NO_ROLE));
    try {
      const clean = await play('run-clean', () => false);
      expect(clean.run.status).toBe('SUCCEEDED');
      const kept = noRole(await readCheckStateObject(base, BUCKET));
      expect(kept).toHaveLength(2);

      const { run, lines, summary, answer } = await play('run-failed-batch', (targets) =>
        targets.some((t) => t.accountId === NO_ROLE),
      );
      expect(run.children).toBeGreaterThan(2);
      expect(run.failedChildren).toBe(1);
      expect(failedTargets).toBeGreaterThan(0);
      // The report ran: every target of the other batches once, and the missing batch as one failure.
      expect(summary).toBeDefined();
      const missing = summary?.targets.find((t) => t.target === 'run');
      expect(missing?.checks.map((c) => c.name)).toEqual(['checks.batches']);
      // The report logs the one finding it makes itself (the batches logged theirs).
      const batchFinding = loggedFindings(lines).find((f) => f.check === 'checks.batches');
      expect(batchFinding?.status).toBe('fail');
      expect(batchFinding?.target).toBe('run');
      expect(batchFinding?.message).toMatch(
        new RegExp(`^1 of ${run.children} batches of run run-failed-batch wrote no results`),
      );
      expect(summary?.targets).toHaveLength(52 - failedTargets + 1);
      expect(summary?.missingBatches).toBe(1);
      // The `run` entry is no target: the counts add up to the targets the batches reported, each real
      // target once (the trial's report said 8 checked for 7 real targets; issue 21).
      const real = summary?.targets.filter((t) => t.target !== 'run') ?? [];
      const counted = summary?.targetCounts;
      expect(counted).toEqual({
        checked: real.filter((t) => !t.skipped && !t.checks.some((c) => c.name === 'checks.assume-role'))
          .length,
        skipped: real.filter((t) => t.skipped).length,
        unreachable: real.filter((t) => t.checks.some((c) => c.name === 'checks.assume-role')).length,
      });
      expect((counted?.checked ?? 0) + (counted?.skipped ?? 0) + (counted?.unreachable ?? 0)).toBe(
        52 - failedTargets,
      );
      expect(answer?.targetCounts).toEqual(counted);
      // What the state machine gets: counts, the missing batch, the change as a count, and where the
      // whole summary is (the missing batch's finding in it).
      expect(answer).toMatchObject({ missingBatches: 1, status: 'fail', changes: { resolved: 0 } });
      expect(answer?.changes.newFailures).toBeGreaterThanOrEqual(1);
      expect(answer?.reportKey).toBe('runs/run-failed-batch/report.json');
      const whole = (await getJson(base, BUCKET, answer?.reportKey as string)) as ChecksResult;
      expect(whole.findings.filter((f) => f.check === 'checks.batches')).toEqual([
        expect.objectContaining({ target: 'run', message: batchFinding?.message }),
      ]);
      expect(whole.targets).toHaveLength(52 - failedTargets + 1);
      // A new failure: what the notice announces and the metrics count; nothing of the unheard batch
      // is announced as resolved, and its targets' failures are kept for the next run, since-dates and all.
      expect(summary?.changes.newFailures).toContainEqual(
        expect.objectContaining({ target: 'run', check: 'checks.batches' }),
      );
      expect(summary?.changes.resolved).toEqual([]);
      expect(noRole(await readCheckStateObject(base, BUCKET))).toEqual(kept);
      expect(lines.some((l) => JSON.stringify(l).includes('checks.batches'))).toBe(true);
      // Then the execution fails after the report (the ExecutionsFailed alarm), with the report's counts.
      expect(run.report).toMatchObject({ missingBatches: 1 });
      expect(run.status).toBe('FAILED');
      expect(run.error?.Error).toBe('BatchesMissing');
    } finally {
      s3.destroy();
      base.destroy();
    }
  });

  it('goes on to Report when the map itself fails (its ItemReader): every batch is reported missing', async () => {
    const definition = checksDeployTemplate(parseStack(STACK, 'eks-kit.yaml'), {
      organization: { roleName: ROLE },
    }).Resources.ChecksStateMachine?.Properties.Definition;
    const s3 = new S3Client({ region: 'eu-west-1', endpoint: emu.url, credentials });
    const handler = handlerFor({ EKS_KIT_SECONDS_PER_TARGET: '60', EKS_KIT_RUN_BUCKET: BUCKET });
    let answer: ReportResult | undefined;
    let planned = 0;
    const { result: run, lines } = await captureOutput(() =>
      runFanOut({
        definition,
        substitutions: { RunBucket: BUCKET, FunctionArn: 'arn:aws:lambda:eu-west-1:100000000000:function:x' },
        executionName: 'run-unreadable',
        s3,
        handler: async (event) => {
          const out = (await handler(event, context(100))) as unknown as Record<string, unknown>;
          if (event.phase === 'report') answer = out as unknown as ReportResult;
          if (event.phase !== 'plan') return out;
          planned = out.batchCount as number;
          // The batches object cannot be read (as if it were deleted before the map started).
          return { ...out, batchesKey: 'runs/run-unreadable/gone.json' };
        },
      }),
    ).finally(() => s3.destroy());
    expect(run.children).toBe(0);
    expect(planned).toBeGreaterThan(1);
    expect(answer?.missingBatches).toBe(planned);
    expect(loggedFindings(lines).find((f) => f.check === 'checks.batches')?.message).toMatch(
      new RegExp(`^${planned} of ${planned} batches of run run-unreadable wrote no results`),
    );
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe('BatchesMissing');
  });

  it('reads every account through short and empty pages with a NextToken, as AWS may answer them', async () => {
    // AWS may answer fewer results than MaxResults, even none, with a NextToken (docs/AWS-FACTS.md,
    // Organizations API): pages of 2, none, 1 and 20 accounts, repeated, for every list call.
    const w = world();
    emu.seed({ ...w, organizations: { ...(w.organizations as object), pageSizes: [2, 0, 1, 20] } });
    try {
      const { result } = await captureOutput(() => handlerFor()({}, context()));
      const seen = outcomes(result);
      expect(seen.size).toBe(52);
      expect([...seen.values()].filter((v) => v === 'skipped')).toHaveLength(2);
      expect([...seen.values()].filter((v) => v === 'role')).toHaveLength(2);
      // 26 accounts in pages of 2, 0, 1, 20, 2, 0 and 1: seven calls, where full pages take two.
      expect(emu.calls({ service: 'organizations', operation: 'ListAccounts' })).toHaveLength(7);
      emu.resetCalls();
      // An OU's subtree through the same pages: prod's 5 accounts (2, 0, 1, 20) and prod/eu's 3 (2, 0, 1).
      const { result: prod } = await captureOutput(() =>
        handlerFor({ EKS_KIT_ORGANIZATION_UNITS: OU_PROD })({}, context()),
      );
      expect(new Set(outcomes(prod).keys())).toEqual(
        new Set(MEMBERS.slice(0, 8).flatMap((id) => REGIONS.map((r) => `${id}@${r}`))),
      );
      expect(emu.calls({ service: 'organizations', operation: 'ListAccountsForParent' })).toHaveLength(7);
    } finally {
      emu.seed(world());
    }
  });

  it('runs from a delegated administrator account: it lists the organisation and checks every account', async () => {
    const w = world(DELEGATED);
    const identities = { AKIDDELEGATED: { arn: `arn:aws:iam::${DELEGATED}:role/eks-kit-checks-function` } };
    const delegatedHandler = () =>
      createChecksHandler({
        env: orgEnv(),
        clientOptions: { credentials: { ...credentials, accessKeyId: 'AKIDDELEGATED' }, maxAttempts: 4 },
        checkTasks: () => [whoAmI],
      });
    try {
      // Not registered: a member account may not list the organisation.
      emu.seed({ ...w, identities });
      const { result: refused } = await captureOutput(() =>
        delegatedHandler()({}, context()).catch((e: unknown) => e),
      );
      expect(String((refused as Error).message)).toContain('AccessDeniedException');
      // Registered as a delegated administrator: every account, listed from its own account.
      emu.seed({
        ...w,
        identities,
        organizations: { ...(w.organizations as object), delegatedAdministrators: [DELEGATED] },
      });
      const { result } = await captureOutput(() => delegatedHandler()({}, context()));
      expect(outcomes(result).size).toBe(52);
      expect(result.targetCounts).toEqual({ checked: 48, skipped: 2, unreachable: 2 });
      const listed = emu.calls({ service: 'organizations' });
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.every((c) => c.account === DELEGATED)).toBe(true);
    } finally {
      emu.seed(world());
    }
  });

  it('refuses bad settings with one line naming the variable, before any AWS call', async () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ EKS_KIT_TARGETS_FROM: 'everything' }, /^EKS_KIT_TARGETS_FROM/],
      [{ EKS_KIT_ORGANIZATION_ROLE_NAME: '' }, /^EKS_KIT_ORGANIZATION_ROLE_NAME/],
      [{ EKS_KIT_ORGANIZATION_UNITS: 'prod' }, /^EKS_KIT_ORGANIZATION_UNITS\[0\]/],
      [{ EKS_KIT_TARGET_REGIONS: 'eu-west-1,mars-1' }, /^EKS_KIT_TARGET_REGIONS\[1\]/],
      [{ EKS_KIT_ASSUME_ROLE_RATE: '0' }, /^EKS_KIT_ASSUME_ROLE_RATE/],
      [{ EKS_KIT_ASSUME_ROLE_ARNS: `arn:aws:iam::${MANAGEMENT}:role/x` }, /^EKS_KIT_ASSUME_ROLE_ARNS/],
      [{ EKS_KIT_RUN_BUCKET: 'Not_A_Bucket' }, /^EKS_KIT_RUN_BUCKET/],
      // Another partition's region (issue 21 trial: each account's cn-north-1 target failed as a
      // "missing role", after a second AssumeRole per account).
      [
        { EKS_KIT_TARGET_REGIONS: 'eu-west-1,cn-north-1' },
        /^EKS_KIT_TARGET_REGIONS\[1\]: expected a region of the function's partition \(aws, AWS_REGION eu-west-1\), got "cn-north-1"/,
      ],
      [
        { AWS_REGION: 'cn-north-1', EKS_KIT_TARGET_REGIONS: 'cn-northwest-1,eu-west-1' },
        /^EKS_KIT_TARGET_REGIONS\[1\]: expected a region of the function's partition \(aws-cn, AWS_REGION cn-north-1\)/,
      ],
    ];
    for (const [extra, message] of bad) {
      const error = (() => {
        try {
          readHandlerConfig(orgEnv(extra));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, JSON.stringify(extra)).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
    // Organisation settings without the organisation source are refused too.
    expect(() => readHandlerConfig({ EKS_KIT_STACK: STACK, EKS_KIT_TARGET_REGIONS: 'eu-west-1' })).toThrow(
      /^EKS_KIT_TARGET_REGIONS/,
    );
    expect(() => readHandlerConfig({ EKS_KIT_STACK: STACK, EKS_KIT_RUN_BUCKET: 'runs' })).toThrow(
      /^EKS_KIT_RUN_BUCKET/,
    );
    // A split run's event names its run: a bad id or batch index is refused naming the field.
    for (const [event, field] of [
      [{ phase: 'plan', runId: 'has space' }, /^event\.runId/],
      [{ phase: 'batch', targets: [], runId: 'r1', index: -1 }, /^event\.index/],
      [{ phase: 'report', runId: 'r1', batchCount: 'x' }, /^event\.batchCount/],
    ] as const) {
      const { result: refused } = await captureOutput(() =>
        handlerFor({ EKS_KIT_RUN_BUCKET: 'runs-bucket' })(event, context()).catch((e: unknown) => e),
      );
      expect(refused, JSON.stringify(event)).toBeInstanceOf(InvalidInputError);
      expect((refused as Error).message).toMatch(field);
    }
    const refusedEnvs: Array<Record<string, string>> = [
      { EKS_KIT_ORGANIZATION_UNITS: 'nope' },
      { EKS_KIT_TARGET_REGIONS: 'eu-west-1,cn-north-1' },
    ];
    for (const extra of refusedEnvs) {
      emu.resetCalls();
      const { result } = await captureOutput(() => handlerFor(extra)({}, context()).catch((e: unknown) => e));
      expect(result, JSON.stringify(extra)).toBeInstanceOf(InvalidInputError);
      expect(emu.calls(), JSON.stringify(extra)).toHaveLength(0);
    }
  });

  it('reports an account outside any organisation as the Organizations error, not a crash mid-run', async () => {
    emu.seed({ accountId: MANAGEMENT });
    const { result } = await captureOutput(() => handlerFor()({}, context()).catch((e: unknown) => e));
    expect(String((result as Error).message)).toContain('AWSOrganizationsNotInUseException');
    emu.seed(world());
  });
});
