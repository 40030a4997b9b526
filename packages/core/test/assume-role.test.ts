import { ListHostedZonesByNameCommand } from '@aws-sdk/client-route-53';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AwsCallError,
  assumeRoleClients,
  assumeRoleCredentials,
  createClients,
  createSharedConnections,
  InvalidInputError,
  validateAssumeRoleSpec,
} from '../src/index.js';

const WORKLOAD = '111111111111';
const DNS = '222222222222';
const ROLE = `arn:aws:iam::${DNS}:role/eks-kit-dns`;
const BASE = { accessKeyId: 'AKIDWORKLOAD', secretAccessKey: 'secret' };

let emu: Emulator;
beforeAll(async () => {
  emu = (
    await startTestEmulator({
      speed: 1,
      seed: {
        accountId: WORKLOAD,
        identities: { AKIDWORKLOAD: { arn: `arn:aws:iam::${WORKLOAD}:user/ci` } },
        accounts: {
          [DNS]: {
            iam: {
              roles: [
                {
                  name: 'eks-kit-dns',
                  assumeRolePolicyDocument: {
                    Version: '2012-10-17',
                    Statement: [
                      {
                        Effect: 'Allow',
                        Principal: { AWS: `arn:aws:iam::${WORKLOAD}:root` },
                        Action: 'sts:AssumeRole',
                        Condition: { StringEquals: { 'sts:ExternalId': 'ext-id-42' } },
                      },
                    ],
                  },
                },
              ],
            },
            route53: { hostedZones: [{ name: 'apps.example.com' }] },
          },
        },
      },
    })
  ).emulator;
});
beforeEach(() => emu.reset());
afterAll(() => emu.stop());

describe('assumeRoleCredentials', () => {
  it('assumes once, reuses the credentials, and assumes again only near expiry', async () => {
    let now = Date.now();
    const provider = assumeRoleCredentials({
      roleArn: ROLE,
      externalId: 'ext-id-42',
      sessionName: 'eks-kit-dns',
      region: 'us-east-1',
      endpoint: emu.url,
      baseCredentials: BASE,
      now: () => now,
    });
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toMatch(/^ASIA/);
    expect(b.accessKeyId).toBe(a.accessKeyId);
    expect(await provider()).toBe(a);
    expect(emu.calls({ service: 'sts', operation: 'AssumeRole' })).toHaveLength(1);
    expect(emu.calls({ operation: 'AssumeRole' })[0]?.input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'eks-kit-dns',
      DurationSeconds: '900',
    });
    // 900 s credentials, refreshed 300 s before expiry: at +601 s they are stale.
    now = (a.expiration as Date).getTime() - 299_000;
    const c = await provider();
    expect(c.accessKeyId).not.toBe(a.accessKeyId);
    expect(emu.calls({ service: 'sts', operation: 'AssumeRole' })).toHaveLength(2);
    const sts = new STSClient({ region: 'us-east-1', endpoint: emu.url, credentials: provider });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({
      Account: DNS,
      Arn: `arn:aws:sts::${DNS}:assumed-role/eks-kit-dns/eks-kit-dns`,
    });
  });

  it('an STS client that could not be had is asked for again at the next call (as the SDK provider did)', async () => {
    let asked = 0;
    const provider = assumeRoleCredentials({
      roleArn: ROLE,
      externalId: 'ext-id-42',
      region: 'us-east-1',
      sts: async () => {
        asked++;
        if (asked === 1) throw new Error('the STS client could not be made');
        return new STSClient({ region: 'us-east-1', endpoint: emu.url, credentials: BASE, maxAttempts: 1 });
      },
    });
    await expect(provider()).rejects.toThrow(/sts:AssumeRole/);
    const credentials = await provider();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(asked).toBe(2);
    expect(emu.calls({ service: 'sts', operation: 'AssumeRole' })).toHaveLength(1);
  });

  it('a refused AssumeRole is an eks-kit error naming sts:AssumeRole and the role, without the external id', async () => {
    const provider = assumeRoleCredentials({
      roleArn: ROLE,
      externalId: 'wrong-id',
      region: 'us-east-1',
      endpoint: emu.url,
      baseCredentials: BASE,
      maxAttempts: 1,
    });
    const err = await provider().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsCallError);
    expect((err as AwsCallError).accessDenied).toBe(true);
    expect((err as Error).message).toContain('sts:AssumeRole');
    expect((err as Error).message).toContain(ROLE);
    expect((err as Error).message).not.toContain('wrong-id');
  });

  it('refuses a bad spec before any call, naming the field', () => {
    expect(() => validateAssumeRoleSpec({ roleArn: 'arn:aws:s3:::bucket' }, 'dns')).toThrow(/dns\.roleArn/);
    expect(() => validateAssumeRoleSpec({ roleArn: ROLE, sessionName: 'a' }, 'dns')).toThrow(
      InvalidInputError,
    );
    expect(() => validateAssumeRoleSpec({ roleArn: ROLE, externalId: 'bad id with spaces' }, 'dns')).toThrow(
      /dns\.externalId.*<redacted>/,
    );
    expect(() => validateAssumeRoleSpec({ roleArn: ROLE, durationSeconds: 60 })).toThrow(/^durationSeconds/);
    expect(emu.calls()).toHaveLength(0);
  });
});

describe('assumeRoleClients', () => {
  it('makes a client set acting in the role account, with the base client set as caller', async () => {
    const base = await createClients({
      region: 'us-east-1',
      endpoint: emu.url,
      credentials: BASE,
      maxAttempts: 1,
    });
    const dns = await assumeRoleClients(base, { roleArn: ROLE, externalId: 'ext-id-42' });
    expect(dns.accountId).toBe(DNS);
    await dns.assumeNow();
    const zones = await (await dns.clients.route53()).send(new ListHostedZonesByNameCommand({}));
    expect(zones.HostedZones?.map((z) => z.Name)).toEqual(['apps.example.com.']);
    expect(emu.calls({ service: 'sts', operation: 'AssumeRole' })[0]?.accessKeyId).toBe('AKIDWORKLOAD');
    expect(emu.calls({ service: 'route53' })[0]).toMatchObject({ account: DNS });
  });

  it('reports the session AssumeRole answered: the ARN GetCallerIdentity gives for those credentials', async () => {
    const base = await createClients({
      region: 'us-east-1',
      endpoint: emu.url,
      credentials: BASE,
      maxAttempts: 1,
    });
    const dns = await assumeRoleClients(base, {
      roleArn: ROLE,
      externalId: 'ext-id-42',
      sessionName: 'check',
    });
    expect(dns.assumedUser()).toBeUndefined();
    await dns.assumeNow();
    const user = dns.assumedUser();
    const who = await (await dns.clients.sts()).send(new GetCallerIdentityCommand({}));
    expect(user).toEqual({ arn: who.Arn, assumedRoleId: who.UserId, accountId: DNS });
    expect(user?.arn).toBe(`arn:aws:sts::${DNS}:assumed-role/eks-kit-dns/check`);
  });
});

describe('createSharedConnections', () => {
  it('serves many client sets over one socket pool that destroy() of a set leaves open', async () => {
    const connections = createSharedConnections({ maxSockets: 4 });
    const opened = new Set<unknown>();
    connections.agents.httpAgent.on('free', (socket) => opened.add(socket));
    try {
      const base = await createClients({
        region: 'us-east-1',
        endpoint: emu.url,
        credentials: BASE,
        maxAttempts: 1,
        connections,
      });
      for (let i = 0; i < 6; i++) {
        const dns = await assumeRoleClients(base, { roleArn: ROLE, externalId: 'ext-id-42' });
        await (await dns.clients.route53()).send(new ListHostedZonesByNameCommand({}));
        dns.clients.destroy();
      }
      // One base STS, six AssumeRole and six Route 53 calls: all on the pool, whose sockets outlived
      // every destroyed set and are at most maxSockets.
      expect(emu.calls({ service: 'route53' })).toHaveLength(6);
      expect(opened.size).toBeGreaterThan(0);
      expect(opened.size).toBeLessThanOrEqual(4);
      base.destroy();
      await (await base.sts()).send(new GetCallerIdentityCommand({}));
    } finally {
      connections.close();
    }
  });
});
