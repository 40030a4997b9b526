/**
 * Roles assumed from one client set share one STS client (issue 21: one was made and configured per
 * account), while each role's client set signs with that role's own credentials. The STS client class
 * is the real one, counted (every request still goes to the emulator).
 */
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  assumeRoleClients,
  assumeRoleCredentials,
  createClients,
  withClientMiddleware,
  withRoute53From,
} from '../src/index.js';

const made = vi.hoisted(() => ({ sts: 0, assumedBy: new Set<object>(), assumes: 0 }));
vi.mock('@aws-sdk/client-sts', async (importOriginal) => {
  const original = await importOriginal<typeof import('@aws-sdk/client-sts')>();
  class CountedSTSClient extends original.STSClient {
    constructor(...args: ConstructorParameters<typeof original.STSClient>) {
      super(...args);
      made.sts++;
    }
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's overloaded send, passed through
    override send(command: any, ...rest: any[]): any {
      if (command?.constructor?.name === 'AssumeRoleCommand') {
        made.assumedBy.add(this);
        made.assumes++;
      }
      return (super.send as (...a: unknown[]) => unknown)(command, ...rest);
    }
  }
  return { ...original, STSClient: CountedSTSClient };
});

const CALLER = '111111111111';
const TARGETS = ['300000000001', '300000000002', '300000000003', '300000000004'];
const trust = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${CALLER}:root` }, Action: 'sts:AssumeRole' },
  ],
};
const BASE = { accessKeyId: 'AKIDCALLER', secretAccessKey: 'secret' };
const role = (account: string) => `arn:aws:iam::${account}:role/eks-kit-checks`;

let emu: Emulator;
beforeAll(async () => {
  emu = (
    await startTestEmulator({
      speed: 1,
      seed: {
        accountId: CALLER,
        identities: { AKIDCALLER: { arn: `arn:aws:iam::${CALLER}:user/checks` } },
        accounts: Object.fromEntries(
          TARGETS.map((id) => [
            id,
            { iam: { roles: [{ name: 'eks-kit-checks', assumeRolePolicyDocument: trust }] } },
          ]),
        ),
      },
    })
  ).emulator;
});
beforeEach(() => {
  emu.reset();
  made.sts = 0;
  made.assumes = 0;
  made.assumedBy.clear();
});
afterAll(() => emu.stop());

describe('assumeRoleClients from one client set', () => {
  it('assumes every role through one STS client, and each target signs with its own credentials', async () => {
    const base = await createClients({
      region: 'eu-west-1',
      endpoint: emu.url,
      credentials: BASE,
      quotas: false,
    });
    // Four targets at once, each assuming its role and calling IAM in its account.
    const keys = await Promise.all(
      TARGETS.map(async (account) => {
        const target = await assumeRoleClients(base, { roleArn: role(account), sessionName: 'checks' });
        await target.assumeNow();
        const iam = await target.clients.iam();
        await iam.send(new ListRolesCommand({}));
        const key = (await iam.config.credentials()).accessKeyId;
        target.clients.destroy();
        return { account, key };
      }),
    );
    expect(made.sts).toBe(1);
    expect(made.assumes).toBe(TARGETS.length);
    expect(made.assumedBy.size).toBe(1);
    const assumeRoles = emu.calls({ service: 'sts', operation: 'AssumeRole' });
    expect(assumeRoles.map((c) => c.input.RoleArn).sort()).toEqual(TARGETS.map(role));
    for (const call of assumeRoles) expect(call.accessKeyId).toBe('AKIDCALLER');
    // Each target's call reached its own account, signed with the key its own AssumeRole answered.
    const listed = emu.calls({ service: 'iam', operation: 'ListRoles' });
    expect(listed).toHaveLength(TARGETS.length);
    for (const { account, key } of keys) {
      expect(key).toMatch(/^ASIA/);
      expect(listed.filter((c) => c.accessKeyId === key).map((c) => c.account)).toEqual([account]);
    }
    expect(new Set(keys.map((k) => k.key)).size).toBe(TARGETS.length);
    base.destroy();
  });

  it('a wrapper keeps the shared STS client; a set without it makes one per role, as before', async () => {
    const base = await createClients({
      region: 'eu-west-1',
      endpoint: emu.url,
      credentials: BASE,
      quotas: false,
    });
    // withClientMiddleware's set inherits the base set's shared STS client.
    const wrapped = withClientMiddleware(base, { name: 'noop', handler: () => (next) => next });
    const a = await assumeRoleClients(wrapped, { roleArn: role(TARGETS[0] as string) });
    const b = await assumeRoleClients(wrapped, { roleArn: role(TARGETS[1] as string) });
    await Promise.all([a.assumeNow(), b.assumeNow()]);
    expect(made.sts).toBe(1);
    // withRoute53From makes a set of its own, without it: the base set's STS client lends its
    // credentials and the role gets an STS client of its own (+2).
    const split = withRoute53From(base, base);
    const c = await assumeRoleClients(split, { roleArn: role(TARGETS[2] as string) });
    await c.assumeNow();
    expect(made.sts).toBe(3);
    const me = await (await c.clients.sts()).send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(TARGETS[2]);
    for (const call of emu.calls({ service: 'sts', operation: 'AssumeRole' }))
      expect(call.accessKeyId).toBe('AKIDCALLER');
    base.destroy();
  });
  it('assumes again near expiry and reports the session of each AssumeRole', async () => {
    let now = Date.now();
    const sessions: string[] = [];
    const provider = assumeRoleCredentials({
      roleArn: role(TARGETS[3] as string),
      sessionName: 'checks',
      region: 'eu-west-1',
      endpoint: emu.url,
      baseCredentials: BASE,
      now: () => now,
      onAssumed: (user) => sessions.push(user.arn),
    });
    const first = await provider();
    now = (first.expiration as Date).getTime() - 299_000;
    const second = await provider();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(sessions).toEqual(
      [1, 2].map(() => `arn:aws:sts::${TARGETS[3]}:assumed-role/eks-kit-checks/checks`),
    );
    expect(emu.calls({ service: 'sts', operation: 'AssumeRole' })).toHaveLength(2);
  });
});
