/**
 * A role that cannot be assumed over an organisation (issue 21, new-user trial): the README's organisation
 * example plus an account without the role and one whose role trusts another account. The finding's hint
 * must be the fix for that side (create the role / trust the function), not core's generic "grant
 * sts:AssumeRole to the identity eks-kit runs as", and its message must not repeat the hint. A function
 * whose own policies do not allow sts:AssumeRole gets the other fix. Real SDK clients against the emulator.
 */
import { type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumeDeniedBy, createChecksHandler } from '../src/index.js';
import { captureOutput } from './fixtures/capture-output.js';

const MANAGEMENT = '100000000000';
const CHECKED = '100000000001';
const SUSPENDED = '100000000002';
const NO_ROLE = '100000000003';
const OTHER_TRUST = '100000000004';
const trustOf = (account: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' },
  ],
});
const trust = trustOf(MANAGEMENT);
/** The function's role as Lambda runs it: a session of its execution role. */
const FUNCTION_SESSION = `arn:aws:sts::${MANAGEMENT}:assumed-role/eks-kit-checks-org/eks-kit-checks-org`;

/** The README's example world, an account without the role and one whose role trusts another account. */
const world: World = {
  accountId: MANAGEMENT,
  region: 'eu-west-1',
  identities: {
    AKIDFUNCTION: { arn: FUNCTION_SESSION },
    // The same function with no sts:AssumeRole in its policies.
    AKIDNOASSUME: { arn: FUNCTION_SESSION, deny: ['sts:AssumeRole'] },
  },
  iam: { roles: [{ name: 'eks-kit-checks', assumeRolePolicyDocument: trust }] },
  organizations: {
    accounts: [{ id: CHECKED }, { id: SUSPENDED, state: 'SUSPENDED' }, { id: NO_ROLE }, { id: OTHER_TRUST }],
  },
  accounts: {
    [CHECKED]: { iam: { roles: [{ name: 'eks-kit-checks', assumeRolePolicyDocument: trust }] } },
    [SUSPENDED]: {},
    [NO_ROLE]: {},
    [OTHER_TRUST]: {
      iam: { roles: [{ name: 'eks-kit-checks', assumeRolePolicyDocument: trustOf('999999999999') }] },
    },
  },
};

const STACK = 'name: org\ncluster:\n  name: org\n  region: eu-west-1\n  kubernetesVersion: "1.35"\n';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world });
});
afterAll(() => emu?.stop());

function run(accessKeyId: string) {
  const handler = createChecksHandler({
    env: {
      EKS_KIT_STACK: STACK,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: emu.url,
      EKS_KIT_TARGETS_FROM: 'organization',
      EKS_KIT_ORGANIZATION_ROLE_NAME: 'eks-kit-checks',
    },
    clientOptions: { credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 2 },
    checkTasks: () => [],
  });
  return captureOutput(() => handler({}, { getRemainingTimeInMillis: () => 300_000 }));
}

const GENERIC_HINT = /identity eks-kit runs as|get-caller-identity/;

describe('a role that cannot be assumed over an organisation', () => {
  it('a missing role and a trust naming another account: the fix is to create/trust the role, said once', async () => {
    const { result } = await run('AKIDFUNCTION');
    expect(result.targetCounts).toEqual({ checked: 2, skipped: 1, unreachable: 2 });
    const failures = result.findings.filter((f) => f.check === 'checks.assume-role');
    expect(failures.map((f) => f.target).sort()).toEqual([
      `${NO_ROLE}@eu-west-1`,
      `${OTHER_TRUST}@eu-west-1`,
    ]);
    for (const f of failures) {
      const account = f.target.split('@')[0];
      expect(f.message).toContain('the role is missing or its trust policy does not allow this function');
      // The AWS answer once, without any hint inside the message.
      expect(f.message).toContain(
        `User: ${FUNCTION_SESSION} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${account}:role/eks-kit-checks`,
      );
      expect(f.message).not.toMatch(/hint:/);
      expect(f.message).not.toMatch(GENERIC_HINT);
      expect(f.hint).toBe(
        `create the role in account ${account} (e.g. with a CloudFormation StackSet over the organisation) with a trust policy that allows sts:AssumeRole to the function's role (arn:aws:iam::${MANAGEMENT}:role/eks-kit-checks-org)`,
      );
      expect(f.data).toMatchObject({ roleMissingOrDenied: true });
    }
  });

  it("a function whose own policies do not allow sts:AssumeRole: the fix is the function's policy", async () => {
    const { result } = await run('AKIDNOASSUME');
    const failures = result.findings.filter((f) => f.check === 'checks.assume-role');
    // Every account not suspended, the management account's own role included.
    expect(failures).toHaveLength(4);
    for (const f of failures) {
      expect(f.message).toContain("this function's own policies do not allow it to call sts:AssumeRole");
      expect(f.message).toContain('because no identity-based policy allows the sts:AssumeRole action');
      expect(f.message).not.toMatch(GENERIC_HINT);
      expect(f.hint).toMatch(
        /^allow sts:AssumeRole on arn:aws:iam::\d{12}:role\/eks-kit-checks to the function's role \(arn:aws:iam::100000000000:role\/eks-kit-checks-org\)/,
      );
      expect(f.data).toMatchObject({ callerDenied: true });
    }
  });

  it('tells the two sides apart by the context AWS adds to AccessDenied', () => {
    const on =
      'User: arn:aws:sts::1:assumed-role/f/s is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::2:role/r';
    const denied = (message: string) => Object.assign(new Error(message), { name: 'AccessDenied' });
    expect(assumeDeniedBy(denied(on))).toBe('role');
    expect(
      assumeDeniedBy(denied(`${on} because no resource-based policy allows the sts:AssumeRole action`)),
    ).toBe('role');
    for (const context of [
      'because no identity-based policy allows the sts:AssumeRole action',
      'with an explicit deny in an identity-based policy',
      'with an explicit deny in a service control policy',
      'because no permissions boundary allows the sts:AssumeRole action',
      'because no session policy allows the sts:AssumeRole action',
    ]) {
      expect(assumeDeniedBy(denied(`${on} ${context}`)), context).toBe('caller');
    }
    expect(assumeDeniedBy(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))).toBeUndefined();
  });
});
