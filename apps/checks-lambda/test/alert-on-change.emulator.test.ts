/**
 * Alert on change and the heartbeat, through the built bundle `dist/index.mjs` (run by plain node as
 * Lambda runs it) against the emulator, one scheduled run after another on the same account:
 * first run, same failures, failures resolved, a new failure, the weekly reminder (and a shorter one
 * when configured), and the heartbeat metric of every completed run (none for a run that failed).
 */
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckState, checkerNames, checksDeployTemplate, parseCheckState } from '../src/index.js';
import { emfLines } from './fixtures/capture-output.js';
import { convergeStack } from './fixtures/converge.js';
import { untagGroup } from './fixtures/drift.js';
import { type BundleRun, invokeBundle } from './fixtures/run-bundle.js';
import { fixtureStack, fixtureText } from './fixtures/stack-files.js';
import { ALERT_TOPIC, fixtureWorld, REGION } from './fixtures/world.js';

const STATE = checkerNames('lambda-test').stateParameter;
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY1',
};
const DAY_MS = 86_400_000;

let emu: Emulator;
let admin: AwsClients;

type Published = Array<{ topicArn: string; subject: string; message: string }>;
const published = (): Published => (emu.state.sns as { published: Published }).published;

function run(extra: Record<string, string> = {}): Promise<BundleRun> {
  return invokeBundle({
    EKS_KIT_STACK: fixtureText(),
    EKS_KIT_STATE_PARAMETER: STATE,
    EKS_KIT_SNS_TOPIC_ARN: ALERT_TOPIC,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: emu.url,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...extra,
  });
}

async function storedState(): Promise<CheckState> {
  const ssm = await admin.ssm();
  const out = await ssm.send(new GetParameterCommand({ Name: STATE }));
  const state = parseCheckState(out.Parameter?.Value);
  if (!state) throw new Error(`no state in ${STATE}: ${out.Parameter?.Value}`);
  return state;
}

/** Time passes: the last notice listing everything was sent `days` ago. */
async function backdateReminder(days: number): Promise<void> {
  const state = await storedState();
  const ssm = await admin.ssm();
  await ssm.send(
    new PutParameterCommand({
      Name: STATE,
      Value: JSON.stringify({ ...state, remindedAt: new Date(Date.now() - days * DAY_MS).toISOString() }),
      Type: 'String',
      Overwrite: true,
    }),
  );
}

/** The failing findings of a run, by check and resource (several findings may share one). */
const failKeys = (r: BundleRun) => [
  ...new Set(r.summary.findings.filter((f) => f.status === 'fail').map((f) => `${f.check} ${f.resource}`)),
];

/** Every completed run emits RunCompleted = 1 with the dimensions the heartbeat alarm watches. */
function expectHeartbeat(r: BundleRun): void {
  const totals = emfLines(r.lines).find((l) => 'RunCompleted' in l);
  expect(totals).toMatchObject({
    service: 'eks-kit-checks',
    stack: 'lambda-test',
    RunCompleted: 1,
    _aws: {
      CloudWatchMetrics: [
        {
          Namespace: 'EksKit/Checks',
          Dimensions: [['service', 'stack']],
          Metrics: expect.arrayContaining([{ Name: 'RunCompleted', Unit: 'Count' }]),
        },
      ],
    },
  });
}

beforeAll(async () => {
  const world = fixtureWorld();
  // As deployed: the template creates the state parameter with `{}`.
  (world.ssm as { parameters: Array<{ name: string; value: string }> }).parameters.push({
    name: STATE,
    value: '{}',
  });
  emu = (await startTestEmulator({ seed: world })).emulator;
  admin = await createClients({ region: REGION, endpoint: emu.url, credentials, maxAttempts: 3 });
});
afterAll(async () => {
  admin?.destroy();
  await emu?.stop();
});

describe('alert on change, run after run (the built bundle against the emulator)', () => {
  // The transitions build on each other: one account, one state parameter, in order.
  let firstFailures: string[] = [];

  it('first run: announces every failure with its fix, and keeps them', async () => {
    const r = await run();
    expectHeartbeat(r);
    firstFailures = failKeys(r);
    expect(firstFailures.length).toBeGreaterThan(0);
    expect(r.summary.changes.notice).toBe('first-run');
    expect(r.summary.changes.newFailures).toHaveLength(firstFailures.length);
    expect(r.summary.notification).toEqual({ kind: 'first-run', messageId: expect.any(String) });
    const notice = published().at(-1);
    expect(notice?.subject).toBe(`eks-kit checks: ${firstFailures.length} failures in stack lambda-test`);
    expect(notice?.message).toContain('first run of the checks');
    for (const key of firstFailures) expect(notice?.message).toContain(`FAIL ${key}`);
    expect(notice?.message.match(/\n {2}fix: /g)).toHaveLength(firstFailures.length);
    expect(notice?.message).not.toContain(credentials.secretAccessKey);
    const state = await storedState();
    expect(state.targets.self?.map(([check, resource]) => `${check} ${resource}`).sort()).toEqual(
      [...firstFailures].sort(),
    );
    expect(r.summary.state).toEqual({ written: true, dropped: 0 });
  });

  it('same failures: no notice, the state moves on', async () => {
    const before = published().length;
    const { lastRunAt } = await storedState();
    const r = await run();
    expectHeartbeat(r);
    expect(failKeys(r).sort()).toEqual([...firstFailures].sort());
    expect(r.summary.changes).toMatchObject({ notice: 'none', newFailures: [], resolved: [] });
    expect(r.summary.changes.stillFailing).toHaveLength(firstFailures.length);
    expect(r.summary.notification).toBeUndefined();
    expect(published()).toHaveLength(before);
    expect((await storedState()).lastRunAt > lastRunAt).toBe(true);
  });

  it('resolved: after apply, announces what was fixed since the last run', async () => {
    await convergeStack(admin, fixtureStack());
    const r = await run();
    expectHeartbeat(r);
    expect(r.summary.changes.notice).toBe('change');
    const resolved = r.summary.changes.resolved.map((f) => `${f.check} ${f.resource}`);
    expect(resolved.length).toBeGreaterThan(0);
    for (const key of resolved) expect(failKeys(r)).not.toContain(key);
    const notice = published().at(-1);
    expect(notice?.subject).toMatch(
      /^eks-kit checks: (\d+ new failures?, )?\d+ resolved in stack lambda-test$/,
    );
    expect(notice?.message).toContain(`RESOLVED (${resolved.length})`);
    for (const key of resolved) expect(notice?.message).toContain(`OK   ${key}`);
  });

  it('new failure: announces it (with its fix) and what still fails, not what was already announced as new', async () => {
    const stillBefore = (await storedState()).targets.self?.length ?? 0;
    await untagGroup(admin, 'lt-workers-a', 'lambda-test');
    const r = await run();
    expectHeartbeat(r);
    expect(r.summary.changes.notice).toBe('change');
    expect(r.summary.changes.resolved).toEqual([]);
    const added = r.summary.changes.newFailures.map((f) => `${f.check} ${f.resource}`);
    expect(added).toEqual(expect.arrayContaining([expect.stringMatching(/lt-workers-a/)]));
    expect(r.summary.changes.stillFailing).toHaveLength(stillBefore);
    const notice = published().at(-1);
    expect(notice?.subject).toBe(
      `eks-kit checks: ${added.length} new failure${added.length === 1 ? '' : 's'} in stack lambda-test`,
    );
    expect(notice?.message).toContain(`NEW (${added.length})`);
    expect(notice?.message).toMatch(/FAIL [^\n]*lt-workers-a[^\n]*\n {2}fix: /);
  });

  it('weekly reminder: nothing new for 3 days is quiet; after 7 days the failures are reminded once', async () => {
    const before = published().length;
    await backdateReminder(3);
    const quiet = await run();
    expect(quiet.summary.changes.notice).toBe('none');
    expect(published()).toHaveLength(before);

    await backdateReminder(8);
    const reminded = await run();
    expectHeartbeat(reminded);
    expect(reminded.summary.changes.notice).toBe('reminder');
    const still = reminded.summary.changes.stillFailing;
    expect(still.length).toBeGreaterThan(0);
    const notice = published().at(-1);
    expect(published()).toHaveLength(before + 1);
    expect(notice?.subject).toBe(
      `eks-kit checks: reminder, ${still.length} failure${still.length === 1 ? '' : 's'} still in stack lambda-test`,
    );
    expect(notice?.message).toContain('nothing changed since the last notice');
    expect(notice?.message).toMatch(/\(failing since \d{4}-\d{2}-\d{2}\)/);

    // The reminder just went out: the next run is quiet again.
    const after = await run();
    expect(after.summary.changes.notice).toBe('none');
    expect(published()).toHaveLength(before + 1);
  });

  it('reads and writes only its state parameter, as the template grants (GetParameter, PutParameter)', async () => {
    emu.resetCalls();
    await run();
    const ssmCalls = emu.calls({ service: 'ssm' }).map((c) => `${c.operation} ${String(c.input.Name)}`);
    expect([...new Set(ssmCalls)].sort()).toEqual([`GetParameter ${STATE}`, `PutParameter ${STATE}`]);
    const granted = checksDeployTemplate(fixtureStack()).Resources.ChecksRole?.Properties as {
      Policies: Array<{
        PolicyDocument: { Statement: Array<{ Sid?: string; Action?: unknown; Resource?: unknown }> };
      }>;
    };
    const stateStatement = granted.Policies[1]?.PolicyDocument.Statement.find((s) => s.Sid === 'CheckState');
    expect(stateStatement?.Action).toEqual(['ssm:GetParameter', 'ssm:PutParameter']);
    expect(JSON.stringify(stateStatement?.Resource)).toContain(`parameter${STATE}`);
    expect(
      emu
        .calls({ mutating: true })
        .map((c) => `${c.service}:${c.operation}`)
        .sort(),
    ).toEqual(['ssm:PutParameter']);
  });

  it('reminds at the configured interval (EKS_KIT_REMINDER_DAYS)', async () => {
    await backdateReminder(3);
    const r = await run({ EKS_KIT_REMINDER_DAYS: '2' });
    expect(r.summary.changes.notice).toBe('reminder');
  });

  it('a run that cannot start emits no heartbeat: the alarm sees the missing data', async () => {
    const failed = await invokeBundle({
      EKS_KIT_STACK: fixtureText(),
      EKS_KIT_STATE_PARAMETER: STATE,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emu.url,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      EKS_KIT_REMINDER_DAYS: '0',
    }).catch((error: { stdout?: string; stderr?: string }) => error);
    const output = `${(failed as { stdout?: string }).stdout ?? ''}${(failed as { stderr?: string }).stderr ?? ''}`;
    expect(output).toContain('EKS_KIT_REMINDER_DAYS');
    // No EMF line carries the heartbeat (Node's report of the uncaught error quotes the minified
    // source line it was thrown from, which may hold the metric's name: look at the JSON lines only).
    const json = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.some((l) => JSON.stringify(l).includes('EKS_KIT_REMINDER_DAYS'))).toBe(true);
    expect(emfLines(json).some((l) => 'RunCompleted' in l)).toBe(false);
  });
});
