/**
 * Blocker corpus (issue 14): every case is a world a run must refuse (a resource another stack
 * owns, one made by hand and not adopted, a zone missing or only private, a missing cluster, a
 * group past its tag quota), each refused with its code and a hint that says what to do, and with
 * an empty mutating call log: nothing is half-done. Library procedures and applyStack alike.
 */
import { ensureCertificate } from '@eks-kit/acm-dns-validation';
import { ensureAutoDiscoveryTags } from '@eks-kit/asg-discovery';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { type AwsClients, EksKitError } from '@eks-kit/core';
import { ensureRepository } from '@eks-kit/ecr-credentials';
import { ensureManagedPolicy, ensureRole } from '@eks-kit/iam-policies';
import { applyStack, parseStack } from '@eks-kit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorClients, startTestEmulator } from './support/emulator.js';
import { LeakScanner } from './support/leak-scanner.js';
import { baseWorld, seedStack, TEAM_B_STACK } from './support/targets.js';

/** One blocker: the world it starts from, what runs, the error code and words it must carry. */
interface BlockerCase {
  name: string;
  world: () => World;
  /** Writes that make the start state (e.g. another stack's apply); the call log is cleared after. */
  setup?: (clients: AwsClients) => Promise<unknown>;
  call: (clients: AwsClients) => Promise<unknown>;
  code: string;
  message: RegExp;
}

// biome-ignore lint/suspicious/noExplicitAny: test worlds are edited freely
type Loose = any;
const seed = seedStack();
const seedParsed = parseStack(seed.stackText, 'examples/seed/eks-kit.yaml');
const seedNoAdopt = parseStack(seed.stackText.replace(/\n\s+adopt: true\n/, '\n'), 'eks-kit.yaml');
const otherStack = parseStack(seed.stackText.replace(/^name: seed$/m, 'name: other'), 'other.yaml');
const seedWorld =
  (change: (w: Loose) => void = () => {}) =>
  () => {
    const w = structuredClone(seed.world) as Loose;
    change(w);
    return w;
  };
const relWorld =
  (change: (w: Loose) => void = () => {}) =>
  () => {
    const w = baseWorld(3) as Loose;
    change(w);
    return w;
  };
const trust = {
  Version: '2012-10-17' as const,
  Statement: [
    { Effect: 'Allow' as const, Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};
const s3Read = {
  Version: '2012-10-17' as const,
  Statement: [{ Effect: 'Allow' as const, Action: 's3:GetObject', Resource: 'arn:aws:s3:::rel/*' }],
};
const handRole = (tags?: Record<string, string>) => (w: Loose) => {
  w.iam.roles.push({ name: 'rel-app', assumeRolePolicyDocument: trust, ...(tags ? { tags } : {}) });
};
const apply =
  (stack = seedParsed, adopt = false) =>
  (c: AwsClients) =>
    applyStack(c, stack, { yes: true, wait: false, adopt });
const group0 = (w: Loose) => w.autoscaling.groups[0].tags as Record<string, string>;

export const BLOCKER_CASES: BlockerCase[] = [
  // iam-policies
  {
    name: 'ensureRole: a role another stack owns',
    world: relWorld(handRole({ 'eks-kit:stack': 'other' })),
    call: (c) => ensureRole(c, { name: 'rel-app', trust, stack: 'rel' }),
    code: 'OwnedByAnotherStack',
    message: /belongs to stack other \(tag eks-kit:stack=other\), not rel/,
  },
  {
    name: 'ensureRole: a role another stack owns, with adopt',
    world: relWorld(handRole({ 'eks-kit:stack': 'other' })),
    call: (c) => ensureRole(c, { name: 'rel-app', trust, stack: 'rel' }, { adopt: true }),
    code: 'OwnedByAnotherStack',
    message: /never changes it/,
  },
  {
    name: 'ensureRole: a role made by hand, not adopted',
    world: relWorld(handRole()),
    call: (c) => ensureRole(c, { name: 'rel-app', trust, description: 'x', stack: 'rel' }),
    code: 'NotOwnedByStack',
    message: /iam role rel-app exists without the tag eks-kit:stack/,
  },
  {
    name: 'ensureManagedPolicy: a policy made by hand, not adopted',
    world: relWorld(),
    setup: (c) => ensureManagedPolicy(c, { name: 'rel-policy', document: s3Read }),
    call: (c) =>
      ensureManagedPolicy(c, { name: 'rel-policy', document: s3Read, stack: 'rel', tags: { t: 'x' } }),
    code: 'NotOwnedByStack',
    message: /iam policy rel-policy exists without the tag/,
  },
  {
    name: 'ensureManagedPolicy: a policy another stack owns, with adopt',
    world: relWorld(),
    setup: (c) => ensureManagedPolicy(c, { name: 'rel-policy', document: s3Read, stack: 'other' }),
    call: (c) =>
      ensureManagedPolicy(c, { name: 'rel-policy', document: s3Read, stack: 'rel' }, { adopt: true }),
    code: 'OwnedByAnotherStack',
    message: /belongs to stack other/,
  },
  // asg-discovery
  {
    name: 'ensureAutoDiscoveryTags: one selected group belongs to another stack (nothing written to the others)',
    world: relWorld((w) => {
      w.autoscaling.groups[2].tags['eks-kit:stack'] = 'other';
    }),
    call: (c) => ensureAutoDiscoveryTags(c, { cluster: 'rel', stack: 'rel' }, { adopt: true }),
    code: 'OwnedByAnotherStack',
    message: /autoscaling group rel-workers-02 belongs to stack other/,
  },
  {
    name: 'ensureAutoDiscoveryTags: groups made by hand, not adopted',
    world: relWorld(),
    call: (c) => ensureAutoDiscoveryTags(c, { cluster: 'rel', stack: 'rel' }),
    code: 'NotOwnedByStack',
    message: /autoscaling group rel-workers-00 exists without the tag eks-kit:stack/,
  },
  {
    name: 'ensureAutoDiscoveryTags: a group the tags would take past 50',
    world: relWorld((w) => {
      for (let i = 0; i < 49; i++) group0(w)[`team/k${i}`] = 'x';
    }),
    call: (c) => ensureAutoDiscoveryTags(c, { cluster: 'rel' }),
    code: 'TooManyTags',
    message: /autoscaling group rel-workers-00 would carry \d+ tags/,
  },
  // ecr-credentials
  {
    name: 'ensureRepository: a repository another stack owns',
    world: relWorld((w) => {
      w.ecr.repositories.push({ name: 'rel/app', tags: { 'eks-kit:stack': 'other' } });
    }),
    call: (c) => ensureRepository(c, { name: 'rel/app', scanOnPush: true, stack: 'rel' }, { adopt: true }),
    code: 'OwnedByAnotherStack',
    message: /ecr repository rel\/app belongs to stack other/,
  },
  {
    name: 'ensureRepository: a repository made by hand, not adopted',
    world: relWorld((w) => {
      w.ecr.repositories.push({ name: 'rel/app' });
    }),
    call: (c) => ensureRepository(c, { name: 'rel/app', scanOnPush: true, stack: 'rel' }),
    code: 'NotOwnedByStack',
    message: /ecr repository rel\/app exists without the tag/,
  },
  // acm-dns-validation
  {
    name: 'ensureCertificate: reusing a certificate requested by hand, not adopted',
    world: relWorld(),
    setup: async (c) => {
      await ensureCertificate(c, {
        domainName: 'app.rel.example.com',
        recordsSchedule: { initialDelayMs: 5, maxDelayMs: 20, jitter: 0 },
      });
    },
    call: (c) =>
      ensureCertificate(c, {
        domainName: 'app.rel.example.com',
        stack: 'rel',
        recordsSchedule: { initialDelayMs: 5, maxDelayMs: 20, jitter: 0 },
      }),
    code: 'NotOwnedByStack',
    message: /acm certificate arn:aws:acm:.* exists without the tag/,
  },
  // stack: applyStack refuses before its first write
  {
    name: 'applyStack: a second stack naming the first one`s resources, with adopt',
    world: seedWorld(),
    setup: apply(),
    call: apply(otherStack, true),
    code: 'ApplyBlocked',
    message: /belongs to stack seed \(tag eks-kit:stack=seed\), not other/,
  },
  {
    name: 'applyStack: the seed`s hand-made groups without adopt',
    world: seedWorld(),
    call: apply(seedNoAdopt),
    code: 'ApplyBlocked',
    message: /autoscaling group seed-workers-a exists without the tag eks-kit:stack/,
  },
  {
    name: 'applyStack: a role made by hand with the autoscaler role`s name',
    world: seedWorld((w) => {
      w.iam.roles.push({ name: 'seed-cluster-autoscaler', assumeRolePolicyDocument: trust });
    }),
    call: apply(),
    code: 'ApplyBlocked',
    message: /iam role seed-cluster-autoscaler exists without the tag/,
  },
  {
    name: 'applyStack: the repository belongs to another stack',
    world: seedWorld((w) => {
      w.ecr.repositories.push({ name: 'seed/app', tags: { 'eks-kit:stack': 'team-b' } });
    }),
    call: apply(),
    code: 'ApplyBlocked',
    message: /ecr repository seed\/app belongs to stack team-b/,
  },
  {
    name: 'applyStack: a worker group belongs to another stack',
    world: seedWorld((w) => {
      group0(w)['eks-kit:stack'] = 'team-b';
    }),
    call: apply(seedParsed, true),
    code: 'ApplyBlocked',
    message: /autoscaling group seed-workers-a belongs to stack team-b/,
  },
  {
    name: 'applyStack: no hosted zone for the certificate',
    world: seedWorld((w) => {
      w.route53.hostedZones = [];
    }),
    call: apply(),
    code: 'ApplyBlocked',
    message: /foo\.example\.com/,
  },
  {
    name: 'applyStack: the only zone is private',
    world: seedWorld((w) => {
      w.route53.hostedZones[0].private = true;
    }),
    call: apply(),
    code: 'ApplyBlocked',
    message: /private/i,
  },
  {
    name: 'applyStack: the cluster does not exist',
    world: seedWorld((w) => {
      w.eks.clusters = [];
    }),
    call: apply(),
    code: 'ApplyBlocked',
    message: /EKS cluster seed does not exist/,
  },
  {
    name: 'applyStack: a worker group past 50 tags',
    world: seedWorld((w) => {
      for (let i = 0; i < 48; i++) group0(w)[`team/k${i}`] = 'x';
    }),
    call: apply(),
    code: 'ApplyBlocked',
    message: /autoscaling group seed-workers-a would carry \d+ tags/,
  },
  {
    name: 'applyStack: the IAM OIDC provider is missing',
    world: seedWorld((w) => {
      w.iam.oidcProviders = [];
    }),
    call: apply(),
    code: 'ApplyBlocked',
    message: /IAM has no OIDC provider for cluster seed/,
  },
  {
    name: 'applyStack: team-b`s repository name is already the seed`s',
    world: seedWorld(),
    setup: apply(),
    call: apply(parseStack(TEAM_B_STACK.replaceAll('team-b/app', 'seed/app'), 'team-b.yaml')),
    code: 'ApplyBlocked',
    message:
      /ecr repository seed\/app belongs to stack seed, not team-b|belongs to stack seed \(tag eks-kit:stack=seed\), not team-b/,
  },
];

describe('blocker corpus (refused with its code and fix, an empty mutating call log)', () => {
  let emu: Emulator;
  const scanner = new LeakScanner();
  beforeAll(async () => {
    emu = await startTestEmulator(baseWorld(), { acmRecordDelaySeconds: 0 });
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('has at least 15 cases with distinct names', () => {
    expect(BLOCKER_CASES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(BLOCKER_CASES.map((c) => c.name)).size).toBe(BLOCKER_CASES.length);
  });

  it.each(BLOCKER_CASES)('$name -> $code', async ({ world, setup, call, code, message }) => {
    emu.seed(world());
    const clients = await emulatorClients(emu, 2);
    try {
      if (setup) await setup(clients);
      emu.resetCalls();
      const error = await call(clients).then(
        () => undefined,
        (e: unknown) => e,
      );
      scanner.record('blocker error', error);
      expect(error, 'must be refused').toBeInstanceOf(EksKitError);
      const refused = error as EksKitError;
      expect(refused.code).toBe(code);
      expect(refused.message).toMatch(message);
      expect(refused.message).not.toContain('\n');
      expect(refused.hint, 'says how to fix it').toBeTruthy();
      expect(refused.exitCode).toBe(1);
      expect(emu.calls({ mutating: true }), 'nothing written').toEqual([]);
    } finally {
      clients.destroy();
    }
  });
});
