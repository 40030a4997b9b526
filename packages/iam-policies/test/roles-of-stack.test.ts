/**
 * The orphan role scan in an account of the size users have (issue 21): 1,200 hand-made roles, read
 * with the real SDK client against the emulator. The call log proves the few calls: ListRoles pages of
 * 1,000 and GetAccountAuthorizationDetails pages of 1,000 instead of one ListRoleTags per role; a caller
 * refused GetAccountAuthorizationDetails gets the same answer from per-role reads and a notice; a
 * throttled page is retried; the seed world's one role keeps its one ListRoleTags.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator, type TestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients, InvalidInputError } from '@eks-kit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findRolesOfStack, PER_ROLE_TAG_READS_MAX, scanRolesOfStack } from '../src/index.js';
import { ACCOUNT } from './support/emulator.js';

const NO_GAAD = 'AKIDNOGAAD';

type RoleSeed = { name: string; path?: string; tags?: Record<string, string> };

/** The stack's own roles (the file names them), passed as `skip`: never read, never listed. */
const SKIP = ['prod-cluster-autoscaler', 'PROD-GITLAB-BUILD', 'eks-kit-checks-prod'];

/**
 * 1,200 roles: 7 orphans of stack `prod` (the expected answer), the stack's 3 named roles, 5 of another
 * stack, 6 made by CloudFormation (managed-by or the stack-name tag), 10 service-linked roles (tagged
 * like the stack, to prove they are never read), and hand-made roles with other tags or none.
 */
function account(): RoleSeed[] {
  const roles: RoleSeed[] = [];
  const orphans = ['prod-old-0', 'prod-old-1', 'prod-old-2', 'prod-old-3', 'prod-old-4', 'Prod-Mixed-Case'];
  for (const name of orphans) roles.push({ name, tags: { 'eks-kit:stack': 'prod' } });
  roles.push({ name: 'prod-pathed', path: '/eks-kit/', tags: { 'eks-kit:stack': 'prod', team: 'a' } });
  for (const name of ['prod-cluster-autoscaler', 'prod-gitlab-build', 'eks-kit-checks-prod'])
    roles.push({ name, tags: { 'eks-kit:stack': 'prod' } });
  for (let i = 0; i < 5; i++) roles.push({ name: `staging-role-${i}`, tags: { 'eks-kit:stack': 'staging' } });
  for (let i = 0; i < 4; i++)
    roles.push({
      name: `prod-checks-run-${i}`,
      tags: { 'eks-kit:stack': 'prod', 'eks-kit:managed-by': 'cloudformation' },
    });
  for (let i = 0; i < 2; i++)
    roles.push({
      name: `prod-cfn-${i}`,
      tags: { 'eks-kit:stack': 'prod', 'aws:cloudformation:stack-name': 'checks' },
    });
  for (let i = 0; i < 10; i++)
    roles.push({
      name: `AWSServiceRoleForThing${i}`,
      path: `/aws-service-role/thing${i}.amazonaws.com/`,
      tags: { 'eks-kit:stack': 'prod' },
    });
  // The value must match exactly: a prefix or another case is another stack.
  roles.push({ name: 'prodlike', tags: { 'eks-kit:stack': 'prod-2' } });
  roles.push({ name: 'upper', tags: { 'eks-kit:stack': 'PROD' } });
  while (roles.length < 1200) {
    const i = roles.length;
    roles.push(
      i % 3 === 0 ? { name: `hand-made-${i}` } : { name: `hand-made-${i}`, tags: { owner: `team-${i % 7}` } },
    );
  }
  return roles;
}

const EXPECTED = [
  'Prod-Mixed-Case',
  'prod-old-0',
  'prod-old-1',
  'prod-old-2',
  'prod-old-3',
  'prod-old-4',
  'prod-pathed',
];
/** Roles whose tags must be read: all but the 3 skipped and the 10 service-linked. */
const CANDIDATES = 1200 - 3 - 10;

let env: TestEmulator;
let emu: Emulator;
const made: AwsClients[] = [];

async function clientsAs(accessKeyId?: string): Promise<AwsClients> {
  // Quota time runs 1000x (as the emulator's): the quota middleware still bounds the calls, no test waits.
  const c = await createClients({
    ...env.clientConfig(accessKeyId ? { accessKeyId } : {}),
    quotas: { speed: 1000 },
  });
  made.push(c);
  return c;
}

const counts = (): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const c of emu.calls({ service: 'iam' })) out[c.operation] = (out[c.operation] ?? 0) + 1;
  return out;
};

function seed(roles: RoleSeed[]): void {
  emu.seed({
    accountId: ACCOUNT,
    identities: {
      [NO_GAAD]: {
        arn: `arn:aws:iam::${ACCOUNT}:role/old-checker`,
        deny: ['iam:GetAccountAuthorizationDetails'],
      },
    },
    iam: { roles },
  });
}

beforeAll(async () => {
  env = await startTestEmulator({ speed: 1000, seed: { accountId: ACCOUNT } });
  emu = env.emulator;
});
afterEach(() => {
  for (const c of made.splice(0)) c.destroy();
});
afterAll(async () => {
  await env.stop();
});

describe('scanRolesOfStack in an account of 1,200 roles', () => {
  beforeAll(() => seed(account()));

  it('finds exactly the stack orphans with 2 ListRoles and 2 GetAccountAuthorizationDetails pages, no ListRoleTags', async () => {
    emu.resetCalls();
    const scan = await scanRolesOfStack(await clientsAs(), 'prod', SKIP);
    expect(scan).toEqual({
      roles: EXPECTED,
      listed: 1200,
      candidates: CANDIDATES,
      tagsFrom: 'authorization-details',
    });
    expect(counts()).toEqual({ ListRoles: 2, GetAccountAuthorizationDetails: 2 });
    expect(emu.calls({ service: 'iam', operation: 'ListRoles' }).map((c) => c.input.MaxItems)).toEqual([
      '1000',
      '1000',
    ]);
    const details = emu.calls({ service: 'iam', operation: 'GetAccountAuthorizationDetails' });
    expect(details.map((c) => c.input)).toEqual([
      { Filter: ['Role'], MaxItems: '1000' },
      { Filter: ['Role'], MaxItems: '1000', Marker: expect.any(String) },
    ]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a caller refused GetAccountAuthorizationDetails gets the same roles from one ListRoleTags per candidate, and a notice', async () => {
    emu.resetCalls();
    const scan = await scanRolesOfStack(await clientsAs(NO_GAAD), 'prod', SKIP);
    expect(scan.roles).toEqual(EXPECTED);
    expect(scan.tagsFrom).toBe('list-role-tags');
    expect(scan.notice).toBe(
      `iam:GetAccountAuthorizationDetails was refused (AccessDenied): the tags of ${CANDIDATES} roles were read one iam:ListRoleTags each; granted, it reads every listed role's tags in pages of up to 1000 roles`,
    );
    expect(counts()).toEqual({ ListRoles: 2, GetAccountAuthorizationDetails: 1, ListRoleTags: CANDIDATES });
    expect(emu.calls({ service: 'iam', operation: 'GetAccountAuthorizationDetails' })[0]?.status).toBe(403);
    // Neither skipped nor service-linked roles were read.
    const read = new Set(
      emu.calls({ service: 'iam', operation: 'ListRoleTags' }).map((c) => c.input.RoleName),
    );
    expect(read.size).toBe(CANDIDATES);
    expect(
      [...read].filter((n) =>
        /^AWSServiceRoleFor|^prod-cluster-autoscaler$|^prod-gitlab-build$/.test(String(n)),
      ),
    ).toEqual([]);
  });

  it('a throttled GetAccountAuthorizationDetails page is retried (the SDK retries Throttling)', async () => {
    emu.resetCalls();
    emu.setFaults([
      { service: 'iam', operation: 'GetAccountAuthorizationDetails', kind: 'throttle', count: 2 },
    ]);
    try {
      expect(await findRolesOfStack(await clientsAs(), 'prod', SKIP)).toEqual(EXPECTED);
    } finally {
      emu.setFaults([]);
    }
    expect(
      emu.calls({ service: 'iam', operation: 'GetAccountAuthorizationDetails' }).map((c) => c.status),
    ).toEqual([400, 400, 200, 200]);
    expect(counts().ListRoleTags).toBeUndefined();
  });

  it('an error other than AccessDenied is not a fallback: it is thrown naming the operation', async () => {
    emu.resetCalls();
    emu.setFaults([{ service: 'iam', operation: 'GetAccountAuthorizationDetails', kind: 'error5xx' }]);
    const c = await createClients({ ...env.clientConfig({ maxAttempts: 1 }), quotas: { speed: 1000 } });
    made.push(c);
    try {
      await expect(findRolesOfStack(c, 'prod', SKIP)).rejects.toThrow(/iam:GetAccountAuthorizationDetails/);
    } finally {
      emu.setFaults([]);
    }
    expect(counts().ListRoleTags).toBeUndefined();
  });

  it('an aborted signal stops the scan before any call', async () => {
    emu.resetCalls();
    const controller = new AbortController();
    controller.abort();
    await expect(
      scanRolesOfStack(await clientsAs(), 'prod', SKIP, { signal: controller.signal }),
    ).rejects.toThrow();
    expect(emu.calls({ service: 'iam' })).toEqual([]);
  });
});

describe('scanRolesOfStack in small accounts', () => {
  it('the seed world: one role to read is one ListRoleTags (no GetAccountAuthorizationDetails)', async () => {
    seed([
      { name: 'eks-node' },
      { name: 'seed-cluster-autoscaler', tags: { 'eks-kit:stack': 'seed' } },
      { name: 'seed-gitlab-build', tags: { 'eks-kit:stack': 'seed' } },
    ]);
    emu.resetCalls();
    const scan = await scanRolesOfStack(await clientsAs(), 'seed', [
      'seed-cluster-autoscaler',
      'seed-gitlab-build',
    ]);
    expect(scan).toEqual({ roles: [], listed: 3, candidates: 1, tagsFrom: 'list-role-tags' });
    expect(counts()).toEqual({ ListRoles: 1, ListRoleTags: 1 });
  });

  it(`up to ${PER_ROLE_TAG_READS_MAX} roles to read: per role; one more: GetAccountAuthorizationDetails`, async () => {
    const roles = (n: number): RoleSeed[] =>
      Array.from(
        { length: n },
        (_, i): RoleSeed => ({
          name: `r-${i}`,
          tags: i === 0 ? { 'eks-kit:stack': 'prod' } : { n: String(i) },
        }),
      );
    seed(roles(PER_ROLE_TAG_READS_MAX));
    emu.resetCalls();
    expect(await findRolesOfStack(await clientsAs(), 'prod')).toEqual(['r-0']);
    expect(counts()).toEqual({ ListRoles: 1, ListRoleTags: PER_ROLE_TAG_READS_MAX });
    seed(roles(PER_ROLE_TAG_READS_MAX + 1));
    emu.resetCalls();
    expect(await findRolesOfStack(await clientsAs(), 'prod')).toEqual(['r-0']);
    expect(counts()).toEqual({ ListRoles: 1, GetAccountAuthorizationDetails: 1 });
  });

  it('no role to read: ListRoles only', async () => {
    seed([{ name: 'only', tags: { 'eks-kit:stack': 'prod' } }]);
    emu.resetCalls();
    const scan = await scanRolesOfStack(await clientsAs(), 'prod', ['ONLY']);
    expect(scan).toEqual({ roles: [], listed: 1, candidates: 0, tagsFrom: 'none' });
    expect(counts()).toEqual({ ListRoles: 1 });
  });

  it('a bad stack name is invalid input before any call', async () => {
    emu.resetCalls();
    await expect(findRolesOfStack(await clientsAs(), 'x'.repeat(300))).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(emu.calls()).toEqual([]);
  });
});
