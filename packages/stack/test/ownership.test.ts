/**
 * Issue 14: one ownership model through the stack. A resource another stack owns blocks the plan and
 * the apply (naming both stacks); one made by hand is adopted only when asked (`adopt: true` in the
 * file or `adopt` on apply); every blocker the plan can find stops the apply before its first
 * mutating call; an owned role is managed exclusively; an apply that fails half-way says what it
 * had already changed.
 */
import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients, EksKitError, renderChanges } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, checkStack, parseStack, planStack, type Stack } from '../src/index.js';
import { changesBefore } from '../src/orchestrate/run-steps.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const seedText = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
const seed = parseStack(seedText);
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
/** The seed stack without `adopt: true` on its worker groups. */
const noAdopt = parseStack(seedText.replace(/\n\s+adopt: true\n/, '\n'));
/** A second stack in the same account that names the same resources. */
const other = parseStack(seedText.replace(/^name: seed$/m, 'name: other'));

type Mutable = World & Record<string, unknown>;
const clone = (w: World): Mutable => structuredClone(w) as Mutable;

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  emu = (await startTestEmulator({ seed: world })).emulator;
});
afterAll(async () => {
  clients?.destroy();
  await emu.stop();
});
beforeEach(async () => {
  emu.seed(world);
  emu.setFaults([]);
  emu.resetCalls();
  clients?.destroy();
  clients = await createClients({
    region: 'ap-northeast-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 2,
  });
});

async function refused(stack: Stack, options: { adopt?: boolean } = {}): Promise<EksKitError> {
  const error = await applyStack(clients, stack, { yes: true, wait: false, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EksKitError);
  // the blocker class's proof: not one mutating call reached AWS
  expect(emu.calls({ mutating: true })).toEqual([]);
  return error as EksKitError;
}

function seedWith(change: (w: Mutable) => void): void {
  const w = clone(world);
  change(w);
  emu.seed(w);
  emu.resetCalls();
}

describe('worker groups made by hand (the seed)', () => {
  it('the seed file adopts them: the plan says so in words, apply tags each group for the stack only', async () => {
    const plan = await planStack(clients, seed);
    expect(plan.findings.filter((f) => f.status === 'fail')).toEqual([]);
    const text = renderChanges(plan.changes);
    for (const g of ['seed-workers-a', 'seed-workers-b'])
      expect(text).toContain(
        `~ autoscaling group ${g}\n    ~ adopt: exists without eks-kit:stack (made by hand); add eks-kit:stack=seed`,
      );
    await applyStack(clients, seed, { yes: true, wait: false });
    const state = emu.state.autoscaling as {
      groups: Map<string, { tags: Map<string, { value: string; propagateAtLaunch: boolean }> }>;
    };
    expect(state.groups.get('seed-workers-a')?.tags.get('eks-kit:stack')).toEqual(
      expect.objectContaining({ value: 'seed', propagateAtLaunch: false }),
    );
    emu.resetCalls();
    // owned now: a rerun (even without adopt in the file) changes nothing
    expect((await applyStack(clients, noAdopt, { yes: true, wait: false })).changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('without adopt: the plan blocks on each group, naming the tag and how to adopt; apply writes nothing', async () => {
    const plan = await planStack(clients, noAdopt);
    const adopt = plan.findings.filter((f) => f.check === 'ownership.adopt');
    expect(adopt.map((f) => f.resource)).toEqual([
      'autoscaling group seed-workers-a',
      'autoscaling group seed-workers-b',
    ]);
    expect(adopt[0]?.hint).toMatch(/eks-kit apply --adopt, or set autoscaler\.workerGroups\.adopt: true/);
    const error = await refused(noAdopt);
    expect(error.code).toBe('ApplyBlocked');
    expect(error.message).toContain('autoscaling group seed-workers-a exists without the tag eks-kit:stack');
  });

  it('apply --adopt takes them over without the file saying so', async () => {
    const plan = await planStack(clients, noAdopt, { adopt: true });
    expect(plan.findings.filter((f) => f.status === 'fail')).toEqual([]);
    const result = await applyStack(clients, noAdopt, { yes: true, wait: false, adopt: true });
    expect(result.changes.filter((c) => c.summary.startsWith('adopt:')).map((c) => c.resource)).toEqual([
      'autoscaling group seed-workers-a',
      'autoscaling group seed-workers-b',
    ]);
  });
});

describe('two stacks in one account', () => {
  it('the second stack is blocked on every resource of the first, naming both stacks; nothing is written', async () => {
    await applyStack(clients, seed, { yes: true, wait: false });
    emu.resetCalls();
    const plan = await planStack(clients, other, { adopt: true });
    const owned = plan.findings.filter((f) => f.check === 'ownership');
    expect(owned.map((f) => f.resource)).toEqual(
      expect.arrayContaining([
        'autoscaling group seed-workers-a',
        'iam role seed-cluster-autoscaler',
        'iam role seed-gitlab-runner-build',
        'ecr repository seed/app',
      ]),
    );
    for (const f of owned) {
      expect(f.message).toMatch(/belongs to stack seed \(tag eks-kit:stack=seed\), not other/);
      expect(f.hint).toMatch(/eks-kit:stack=other/);
    }
    expect(emu.calls({ mutating: true })).toEqual([]);
    const error = await refused(other, { adopt: true });
    expect(error.code).toBe('ApplyBlocked');
    expect(error.message).toMatch(/^apply blocked, nothing was changed: /);
    expect(error.message).toContain('belongs to stack seed');
  });
});

describe('refuse before the first write: one blocker class each', () => {
  it('a role made by hand with the autoscaler role`s name: adopt blocker, then adopt: true in the file takes it', async () => {
    seedWith((w) => {
      (w.iam as { roles: unknown[] }).roles.push({
        name: 'seed-cluster-autoscaler',
        assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
        attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      });
    });
    const error = await refused(seed);
    expect(error.message).toContain('iam role seed-cluster-autoscaler exists without the tag eks-kit:stack');
    expect(error.hint).toMatch(/autoscaler\.adopt: true/);
    const adopting = parseStack(
      seedText.replace(
        '  roleName: seed-cluster-autoscaler\n',
        '  roleName: seed-cluster-autoscaler\n  adopt: true\n',
      ),
    );
    const plan = await planStack(clients, adopting);
    const role = plan.changes
      .filter((c) => c.resource === 'iam role seed-cluster-autoscaler')
      .map((c) => c.summary);
    expect(role[0]).toMatch(/^adopt: /);
    // exclusive management of what it owns: the hand-attached admin policy is drift
    expect(renderChanges(plan.changes)).toContain(
      '- detach arn:aws:iam::aws:policy/AdministratorAccess (attached outside the stack that owns the role: drift)',
    );
    await applyStack(clients, adopting, { yes: true, wait: false });
    const iam = emu.state.iam as { roles: Map<string, { attached: string[] }> };
    expect(iam.roles.get('seed-cluster-autoscaler')?.attached).toEqual([]);
  });

  it('a repository another stack owns', async () => {
    seedWith((w) => {
      (w.ecr as { repositories: unknown[] }).repositories.push({
        name: 'seed/app',
        tags: { 'eks-kit:stack': 'team-b' },
      });
    });
    const error = await refused(seed);
    expect(error.message).toContain(
      'ecr repository seed/app belongs to stack team-b (tag eks-kit:stack=team-b), not seed',
    );
    expect(error.hint).toMatch(/aws ecr tag-resource/);
  });

  it('a worker group another stack owns (even with --adopt)', async () => {
    seedWith((w) => {
      const groups = (w.autoscaling as { groups: Array<{ name: string; tags: Record<string, string> }> })
        .groups;
      groups[1]!.tags['eks-kit:stack'] = 'team-b';
    });
    const error = await refused(seed, { adopt: true });
    expect(error.message).toContain('autoscaling group seed-workers-b belongs to stack team-b');
  });

  it('no hosted zone for a certificate name: nothing else is written first', async () => {
    seedWith((w) => {
      (w.route53 as { hostedZones: unknown[] }).hostedZones = [];
    });
    const error = await refused(seed);
    expect(error.code).toBe('ApplyBlocked');
    expect(error.message).toMatch(/zone/i);
    expect(error.hint).toBeTruthy();
  });

  it('a zone that is only private', async () => {
    seedWith((w) => {
      (w.route53 as { hostedZones: Array<{ private: boolean }> }).hostedZones[0]!.private = true;
    });
    const error = await refused(seed);
    expect(error.message).toMatch(/private/i);
  });

  it('a missing cluster', async () => {
    seedWith((w) => {
      (w.eks as { clusters: unknown[] }).clusters = [];
    });
    const error = await refused(seed);
    expect(error.message).toContain('EKS cluster seed does not exist');
  });

  it('a group the autoscaler tags would take past 50 tags', async () => {
    seedWith((w) => {
      const groups = (w.autoscaling as { groups: Array<{ name: string; tags: Record<string, string> }> })
        .groups;
      for (let i = 0; i < 48; i++) groups[0]!.tags[`team/k${i}`] = 'x';
    });
    const error = await refused(seed);
    expect(error.message).toMatch(/autoscaling group seed-workers-a would carry \d+ tags/);
    expect(error.hint).toMatch(/delete-tags/);
  });

  it('several blockers at once: one error naming each of them', async () => {
    seedWith((w) => {
      (w.route53 as { hostedZones: unknown[] }).hostedZones = [];
      (w.ecr as { repositories: unknown[] }).repositories.push({
        name: 'seed/app/cache',
        tags: { 'eks-kit:stack': 'x' },
      });
    });
    const error = await refused(seed);
    expect(error.message).toContain('ecr repository seed/app/cache belongs to stack x');
    expect(error.message).toMatch(/zone/i);
    expect(error.message).not.toContain('\n');
  });
});

describe('a write that still fails half-way', () => {
  it('the error carries what was already changed, and the next run converges', async () => {
    seedWith((w) => {
      w.identities = {
        AKIDHALF: { arn: 'arn:aws:iam::123456789012:user/ci', deny: ['ecr:CreateRepository'] },
      };
    });
    const half = await createClients({
      region: 'ap-northeast-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'AKIDHALF', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    try {
      const error = await applyStack(half, seed, { yes: true, wait: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EksKitError);
      const done = changesBefore(error);
      expect(done?.changes.map((c) => c.resource)).toEqual(
        expect.arrayContaining(['autoscaling group seed-workers-a', 'iam role seed-cluster-autoscaler']),
      );
    } finally {
      half.destroy();
    }
    const again = await applyStack(clients, seed, { yes: true, wait: false });
    expect(again.changes.some((c) => c.resource === 'ecr repository seed/app')).toBe(true);
    emu.resetCalls();
    expect((await applyStack(clients, seed, { yes: true, wait: false })).changes).toEqual([]);
  });
});

describe('check on an owned role', () => {
  it('fails on a managed policy attached by hand, naming it', async () => {
    await applyStack(clients, seed, { yes: true, wait: false });
    // attached by hand (straight into the emulator's state: this package has no IAM client of its own)
    const iam = emu.state.iam as { roles: Map<string, { attached: string[] }> };
    iam.roles.get('seed-cluster-autoscaler')?.attached.push('arn:aws:iam::aws:policy/AdministratorAccess');
    const findings = await checkStack(clients, seed);
    const drift = findings.filter((f) => f.status === 'fail' && f.message.includes('AdministratorAccess'));
    expect(drift.length).toBeGreaterThan(0);
    expect(drift[0]?.resource).toBe('iam role seed-cluster-autoscaler');
    // and, beside the drift, the grant itself: more than the stack's own
    const grant = findings.find((f) => f.check === 'iam.grants' && f.status === 'fail');
    expect(grant?.message).toMatch(
      /^managed policy arn:aws:iam::aws:policy\/AdministratorAccess grants more than stack seed's own: allows every action/,
    );
  });
});
