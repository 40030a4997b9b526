/**
 * The orphan role scan of plan and check in an account with more roles than the seed world (issue 21):
 * the tags come from GetAccountAuthorizationDetails; a caller refused it (a checker deployed before this
 * change) gets the same orphans from per-role reads, and plan and check say so once.
 */
import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { TEST_CREDENTIALS, TEST_REGION } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyStack, checkStack, parseStack, planStack } from '../src/index.js';
import { startStackEmulator, stopStackEmulator } from './support/emulator.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const stack = parseStack(readFileSync(new URL('eks-kit.yaml', root), 'utf8'));
const seedWorld = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
const NO_GAAD = 'AKIDNOGAAD';
const HAND_MADE = 40;
const world: World = {
  ...seedWorld,
  identities: {
    [NO_GAAD]: {
      arn: `arn:aws:iam::${seedWorld.accountId}:role/old-checker`,
      deny: ['iam:GetAccountAuthorizationDetails'],
    },
  },
  iam: {
    ...seedWorld.iam,
    roles: [
      ...(seedWorld.iam?.roles ?? []),
      { name: 'seed-old-a', tags: { 'eks-kit:stack': 'seed' } },
      { name: 'seed-old-b', path: '/eks-kit/', tags: { 'eks-kit:stack': 'seed' } },
      { name: 'other-stack', tags: { 'eks-kit:stack': 'other' } },
      ...Array.from({ length: HAND_MADE }, (_, i) => ({ name: `hand-made-${i}`, tags: { team: 'a' } })),
    ],
  },
};
const ORPHAN_ROLES = ['iam role seed-old-a', 'iam role seed-old-b'];
/** The roles whose tags the scan reads: every role of the world (the stack's own do not exist yet). */
const CANDIDATES = 1 + 3 + HAND_MADE;

let emu: Emulator;
let admin: AwsClients;
const made: AwsClients[] = [];
beforeAll(async () => {
  ({ emu, clients: admin } = await startStackEmulator(world));
});
afterEach(() => {
  for (const c of made.splice(0)) c.destroy();
});
afterAll(() => stopStackEmulator(emu, admin));

async function clientsAs(accessKeyId: string): Promise<AwsClients> {
  const c = await createClients({
    region: TEST_REGION,
    endpoint: emu.url,
    credentials: { ...TEST_CREDENTIALS, accessKeyId },
    maxAttempts: 3,
    quotas: { speed: 1000 },
  });
  made.push(c);
  return c;
}

const count = (operation: string): number => emu.calls({ service: 'iam', operation }).length;
const orphanRoles = (resources: string[]): string[] =>
  resources.filter((r) => r.startsWith('iam role')).sort();

describe(`plan and check in an account of ${CANDIDATES} roles`, () => {
  it('read the roles tags with one GetAccountAuthorizationDetails, no ListRoleTags, and no notice', async () => {
    emu.resetCalls();
    const plan = await planStack(await clientsAs(TEST_CREDENTIALS.accessKeyId), stack);
    expect(orphanRoles(plan.orphans.map((o) => o.resource))).toEqual(ORPHAN_ROLES);
    expect(plan.findings.filter((f) => f.check === 'stack.orphans.tags')).toEqual([]);
    expect(count('GetAccountAuthorizationDetails')).toBe(1);
    expect(count('ListRoleTags')).toBe(0);
    // The prefetched listing and the scan's first page are one call (same input: MaxItems 1000).
    expect(emu.calls({ service: 'iam', operation: 'ListRoles' }).map((c) => c.input)).toEqual([
      { MaxItems: '1000' },
    ]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a caller refused GetAccountAuthorizationDetails: the same orphans from per-role reads, and one warning in plan and check', async () => {
    const clients = await clientsAs(NO_GAAD);
    emu.resetCalls();
    const plan = await planStack(clients, stack);
    expect(orphanRoles(plan.orphans.map((o) => o.resource))).toEqual(ORPHAN_ROLES);
    const notices = plan.findings.filter((f) => f.check === 'stack.orphans.tags');
    expect(notices).toEqual([
      expect.objectContaining({
        status: 'warn',
        message: expect.stringContaining(
          `iam:GetAccountAuthorizationDetails was refused (AccessDenied): the tags of ${CANDIDATES} roles were read one iam:ListRoleTags each`,
        ),
        hint: expect.stringContaining('grant iam:GetAccountAuthorizationDetails'),
      }),
    ]);
    expect(count('ListRoleTags')).toBe(CANDIDATES);
    expect(emu.calls({ mutating: true })).toEqual([]);

    // apply (not asked to prune) leaves them, and carries the same one warning.
    const applied = await applyStack(clients, stack, { yes: true, wait: false });
    expect(
      applied.orphans
        .map((o) => o.resource)
        .filter((r) => r.startsWith('iam role'))
        .sort(),
    ).toEqual(ORPHAN_ROLES);
    expect(applied.findings.filter((f) => f.check === 'stack.orphans.tags').map((f) => f.status)).toEqual([
      'warn',
    ]);

    const findings = await checkStack(clients, stack);
    expect(findings.filter((f) => f.check === 'stack.orphans.tags').map((f) => f.status)).toEqual(['warn']);
    expect(
      findings
        .filter((f) => f.check === 'stack.orphan')
        .map((f) => f.resource)
        .filter((r) => r.startsWith('iam role'))
        .sort(),
    ).toEqual(ORPHAN_ROLES);
  });
});
