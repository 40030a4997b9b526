/**
 * Issue 22: concurrent steps, shared reads and client-side quotas, asserted as behaviour (order of
 * dependent writes, events in plan order, ACM throttling two commands back to back without the
 * client-side quotas), never as timings; that the quotas prevent it in real time is a bench figure.
 */
import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { mutatingCalls, startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients, createQuotas, type ProgressEvent } from '@eks-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { applyStack, changesBefore, checkStack, parseStack, planStack } from '../src/index.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const stack = parseStack(readFileSync(new URL('eks-kit.yaml', root), 'utf8'));
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;

let emu: Emulator | undefined;
let clients: AwsClients | undefined;
afterEach(async () => {
  clients?.destroy();
  await emu?.stop();
  emu = undefined;
  clients = undefined;
});

/**
 * An emulator at `speed` (its ACM quotas run in emulated time) and clients whose quota buckets run at
 * the same speed. At a speed below 1 emulated time stands (nearly) still and moves with advanceClock:
 * ACM adds its records at once then.
 */
async function start(
  speed: number,
  options: { maxAttempts?: number; quotas?: false | 'emulated-clock' } = {},
) {
  const test = await startTestEmulator({
    speed,
    seed: world,
    ...(speed < 1 ? { behaviour: { acmRecordDelaySeconds: 0 } } : {}),
  });
  emu = test.emulator;
  clients = await createClients({
    ...test.clientConfig({ maxAttempts: options.maxAttempts ?? 3 }),
    quotas:
      options.quotas === false
        ? false
        : options.quotas === 'emulated-clock'
          ? { use: createQuotas({ clock: emulatedClock(emu) }) }
          : { speed },
  });
  return { emu, clients };
}

/**
 * The emulator's own time as the quota buckets' clock: a bucket that waits moves emulated time on by
 * what it waited, so whether ACM throttles is decided in ACM's time alone, whatever the machine's speed.
 */
function emulatedClock(e: Emulator) {
  return {
    now: () => e.now(),
    sleep: async (ms: number) => {
      e.advanceClock(ms / 1000);
    },
  };
}

const writes = mutatingCalls;

describe('apply runs independent steps at once, dependent writes in order', () => {
  it('requests the certificate first; each role, repository and record follows what it depends on', async () => {
    const { emu, clients } = await start(1000);
    await applyStack(clients, stack, { yes: true, wait: false });
    const order = writes(emu);
    const at = (op: string) => order.indexOf(op);
    expect(at('acm:RequestCertificate')).toBeLessThan(at('route53:ChangeResourceRecordSets'));
    // The certificate does not wait for the other steps (run one after another, it came last).
    const lastOther = Math.max(
      ...order.map((op, i) => (op.startsWith('acm:') || op.startsWith('route53:') ? -1 : i)),
    );
    expect(at('acm:RequestCertificate')).toBeLessThan(lastOther);
    // Two roles: each CreateRole comes before a PutRolePolicy of the same role.
    const calls = emu.calls({ mutating: true });
    for (const role of ['seed-cluster-autoscaler', 'seed-gitlab-runner-build']) {
      const create = calls.findIndex((c) => c.operation === 'CreateRole' && c.input.RoleName === role);
      const put = calls.findIndex((c) => c.operation === 'PutRolePolicy' && c.input.RoleName === role);
      expect(create, role).toBeGreaterThanOrEqual(0);
      expect(create, role).toBeLessThan(put);
    }
    for (const repo of ['seed/app', 'seed/app/cache']) {
      const create = calls.findIndex(
        (c) => c.operation === 'CreateRepository' && c.input.repositoryName === repo,
      );
      const policy = calls.findIndex(
        (c) => c.operation === 'PutLifecyclePolicy' && c.input.repositoryName === repo,
      );
      expect(create, repo).toBeGreaterThanOrEqual(0);
      if (policy >= 0) expect(create, repo).toBeLessThan(policy);
    }
  });

  it('prints each step`s events together, in the plan`s order, however the steps interleave', async () => {
    const { clients } = await start(1000);
    const events: ProgressEvent[] = [];
    await applyStack(clients, stack, { yes: true, wait: false, onEvent: (e) => events.push(e) });
    // The apply phase: from the first `applying` step.start on.
    const first = events.findIndex((e) => e.type === 'step.start' && e.message.startsWith('applying'));
    const applying = events.slice(first).filter((e) => e.step !== undefined || e.type.startsWith('step.'));
    const starts = applying.filter((e) => e.type === 'step.start').map((e) => e.step);
    expect(starts).toEqual([
      'autoscaler.tags',
      'autoscaler.role',
      'gitlab.role',
      'repositories',
      'certificates',
    ]);
    // Between a step's start and its done, no other step starts.
    let open: string | undefined;
    for (const e of applying) {
      if (e.type === 'step.start') {
        expect(open, `${e.step} started while ${open} was open`).toBeUndefined();
        open = e.step as string;
      } else if (e.type === 'step.done') {
        expect(e.step).toBe(open);
        open = undefined;
      }
    }
  });

  it('an error in one step lets the independent steps finish; the error says which step failed', async () => {
    const { emu, clients } = await start(1000, { maxAttempts: 1 });
    emu.setFaults([{ service: 'ecr', operation: 'CreateRepository', kind: 'error5xx' }]);
    const error = await applyStack(clients, stack, { yes: true, wait: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    const done = changesBefore(error);
    const outcome = Object.fromEntries((done?.steps ?? []).map((s) => [s.id, s.outcome]));
    expect(outcome).toEqual({
      'autoscaler.tags': 'done',
      'autoscaler.role': 'done',
      'gitlab.role': 'done',
      repositories: 'failed',
      certificates: 'done',
    });
    // The independent steps' writes landed.
    expect(writes(emu)).toEqual(expect.arrayContaining(['iam:CreateRole', 'acm:RequestCertificate']));
    expect(done?.changes.some((c) => c.resource.includes('seed-cluster-autoscaler'))).toBe(true);
  });
});

describe('quotas: two commands back to back', () => {
  // In real time, that the client-side quotas keep plan then check from being throttled depends on
  // arrival jitter (the client's 1.25 s spacing of ListCertificates against ACM's 1 s): bench's latency
  // case shows it (its `throttled` column). Here both run in ACM's emulated time, which stands still
  // but for what the tests move: the quota buckets' waits (the first test) or nothing (the second).
  it('plan then check back to back: the client-side quotas wait for ACM`s token, and nothing is throttled', async () => {
    const { emu, clients } = await start(0.001, { quotas: 'emulated-clock', maxAttempts: 1 });
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.advanceClock(60);
    emu.resetCalls();
    const before = emu.now();
    await planStack(clients, stack);
    await checkStack(clients, stack);
    const throttled = emu.calls().filter((c) => /Throttl|TooManyRequests|RequestLimit/.test(c.error ?? ''));
    expect(throttled.map((c) => `${c.operation}: ${c.error}`)).toEqual([]);
    // One ListCertificates per command, and the second waited for its token (80% of ACM's 1/s).
    const lists = emu.calls({ operation: 'ListCertificates' });
    expect(lists).toHaveLength(2);
    expect(emu.now() - before).toBeGreaterThanOrEqual(1250);
  });

  it('without the client-side quotas the same runs are throttled by ACM (the test can fail)', async () => {
    // Emulated time stands still (speed 0.001) but for the minute moved on after apply: plan and
    // check are back to back in ACM's time however slow the machine is (at speed 1, a plan that took
    // over a second on a loaded machine let ACM's bucket refill, and nothing was throttled).
    const { emu, clients } = await start(0.001, { quotas: false });
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.advanceClock(60);
    emu.resetCalls();
    await planStack(clients, stack);
    await checkStack(clients, stack);
    expect(emu.calls().filter((c) => /Throttl/.test(c.error ?? '')).length).toBeGreaterThan(0);
  });
});
