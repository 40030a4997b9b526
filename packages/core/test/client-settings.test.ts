/**
 * The settings each SDK client would look up on its own (FIPS and dual-stack endpoints, the user agent's
 * app id, the auth scheme preference, the defaults mode) are resolved once per client-set family and
 * given to every client (issue 21), and still come from where the SDK reads them: the environment first,
 * then the profile of the shared config file, then the default. The oracle is a plain SDK client built
 * in the same environment, with no eks-kit setting: ours must resolve every setting to the same value.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsClients, createClients } from '../src/index.js';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
// Another credentials object (an assumed role's, in a run): the emulator knows this key.
const OTHER = { ...CREDENTIALS };
const SETTINGS_ENV = [
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
  'AWS_SDK_UA_APP_ID',
  'AWS_AUTH_SCHEME_PREFERENCE',
  'AWS_DEFAULTS_MODE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_PROFILE',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_ACM',
  'AWS_ENDPOINT_URL_IAM',
  'AWS_ENDPOINT_URL_STS',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
];

let emu: Emulator;
const saved: Record<string, string | undefined> = {};
const dir = mkdtempSync(join(tmpdir(), 'eks-kit-settings-'));
let files = 0;

beforeAll(async () => {
  emu = (await startTestEmulator({ speed: 1, seed: { accountId: '111111111111' } })).emulator;
  for (const name of SETTINGS_ENV) saved[name] = process.env[name];
});
afterEach(() => {
  for (const name of SETTINGS_ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
afterAll(() => emu.stop());

/** Point the SDK at a fresh shared config file (a new path each time: the SDK caches files by path). */
function configFile(text: string): void {
  const file = join(dir, `config-${files++}`);
  writeFileSync(file, text);
  process.env.AWS_CONFIG_FILE = file;
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'no-credentials-file');
}

/** Every setting as a client resolved it. */
async function settingsOf(client: ACMClient): Promise<Record<string, unknown>> {
  const config = client.config as unknown as Record<string, () => Promise<unknown>>;
  const call = async (name: string) => (typeof config[name] === 'function' ? config[name]() : config[name]);
  return {
    useFipsEndpoint: await call('useFipsEndpoint'),
    useDualstackEndpoint: await call('useDualstackEndpoint'),
    userAgentAppId: await call('userAgentAppId'),
    authSchemePreference: await call('authSchemePreference'),
    defaultsMode: await call('defaultsMode'),
  };
}

/** The same settings from a plain SDK client (what every client resolved for itself before). */
async function oracle(profile?: string): Promise<Record<string, unknown>> {
  const plain = new ACMClient({
    region: REGION,
    credentials: CREDENTIALS,
    ...(profile ? { profile } : {}),
  });
  try {
    return await settingsOf(plain);
  } finally {
    plain.destroy();
  }
}

async function familyOf(profile?: string): Promise<{ base: AwsClients; sets: AwsClients[] }> {
  const base = await createClients({
    region: REGION,
    endpoint: emu.url,
    credentials: CREDENTIALS,
    quotas: false,
    ...(profile ? { profile } : {}),
  });
  return { base, sets: [base, base.withRegion('us-east-1'), base.withCredentials?.(OTHER) as AwsClients] };
}

describe('SDK settings shared by a client-set family', () => {
  it('takes every setting from the environment, as each client did', async () => {
    process.env.AWS_USE_FIPS_ENDPOINT = 'true';
    process.env.AWS_USE_DUALSTACK_ENDPOINT = 'true';
    process.env.AWS_SDK_UA_APP_ID = 'env-app';
    process.env.AWS_AUTH_SCHEME_PREFERENCE = 'sigv4a,sigv4';
    process.env.AWS_DEFAULTS_MODE = 'standard';
    configFile('[default]\nuse_fips_endpoint = false\nsdk_ua_app_id = ini-app\n');
    const expected = await oracle();
    expect(expected).toMatchObject({
      useFipsEndpoint: true,
      useDualstackEndpoint: true,
      userAgentAppId: 'env-app',
      authSchemePreference: ['sigv4a', 'sigv4'],
      defaultsMode: 'standard',
    });
    const { base, sets } = await familyOf();
    for (const set of sets) expect(await settingsOf(await set.acm())).toEqual(expected);
    base.destroy();
  });

  it("takes a named profile's settings for its set, and AWS_PROFILE's or default's for assumed-role sets, as before", async () => {
    configFile(
      [
        '[default]',
        'use_dualstack_endpoint = true',
        '[profile fipsy]',
        'use_fips_endpoint = true',
        'sdk_ua_app_id = ini-app',
        'auth_scheme_preference = sigv4a',
        '',
      ].join('\n'),
    );
    const named = await oracle('fipsy');
    const unnamed = await oracle();
    expect(named).toMatchObject({
      useFipsEndpoint: true,
      useDualstackEndpoint: false,
      userAgentAppId: 'ini-app',
    });
    expect(unnamed).toMatchObject({ useFipsEndpoint: false, useDualstackEndpoint: true });
    expect(unnamed.userAgentAppId).toBeUndefined();
    const { base, sets } = await familyOf('fipsy');
    const [own, regional, assumed] = sets as [AwsClients, AwsClients, AwsClients];
    expect(await settingsOf(await own.acm())).toEqual(named);
    expect(await settingsOf(await regional.acm())).toEqual(named);
    // withCredentials drops the profile (its credentials are given): the SDK then reads AWS_PROFILE or default.
    expect(await settingsOf(await assumed.acm())).toEqual(unnamed);
    base.destroy();
  });

  it('lets the environment win over the profile', async () => {
    configFile('[profile fipsy]\nuse_fips_endpoint = true\nsdk_ua_app_id = ini-app\n');
    process.env.AWS_USE_FIPS_ENDPOINT = 'false';
    process.env.AWS_SDK_UA_APP_ID = 'env-app';
    const { base } = await familyOf('fipsy');
    const got = await settingsOf(await base.acm());
    expect(got).toEqual(await oracle('fipsy'));
    expect(got).toMatchObject({ useFipsEndpoint: false, userAgentAppId: 'env-app' });
    base.destroy();
  });

  it('sends the app id of the environment in the user agent of every set', async () => {
    process.env.AWS_SDK_UA_APP_ID = 'platform-checks';
    configFile('');
    const { base, sets } = await familyOf();
    const agents: string[] = [];
    for (const set of sets) {
      const sts = await set.sts();
      sts.middlewareStack.add(
        (next) => async (args) => {
          const headers = (args.request as { headers: Record<string, string> }).headers;
          agents.push(headers['user-agent'] ?? '');
          return next(args);
        },
        { step: 'finalizeRequest', name: 'testUserAgent', priority: 'low' },
      );
      await sts.send(new GetCallerIdentityCommand({}));
    }
    expect(agents).toHaveLength(3);
    for (const agent of agents) expect(agent).toContain('app/platform-checks');
    expect(emu.calls({ service: 'sts' }).map((c) => c.region)).toEqual([REGION, 'us-east-1', REGION]);
    base.destroy();
  });

  it('looks each setting up once for the whole family, where each client looked it up before', async () => {
    configFile('');
    const real = process.env;
    const lookups = { count: 0 };
    process.env = new Proxy(real, {
      has(target, key) {
        if (key === 'AWS_USE_FIPS_ENDPOINT') lookups.count++;
        return key in target;
      },
      get(target, key) {
        if (key === 'AWS_USE_FIPS_ENDPOINT') lookups.count++;
        return target[key as string];
      },
    });
    try {
      // Before: one plain client per target, each with its own chain.
      for (let i = 0; i < 5; i++) await oracle();
      const before = lookups.count;
      expect(before).toBeGreaterThanOrEqual(5);
      lookups.count = 0;
      const base = await createClients({ region: REGION, endpoint: emu.url, credentials: CREDENTIALS });
      for (let i = 0; i < 5; i++) {
        const target = base.withCredentials?.({ accessKeyId: `AKIDTARGET${i}`, secretAccessKey: 's' });
        await settingsOf(await (target as AwsClients).acm());
        await (await (target as AwsClients).iam()).config.useFipsEndpoint();
      }
      expect(lookups.count).toBe(1);
      base.destroy();
    } finally {
      process.env = real;
    }
  });
});

describe('configured endpoints shared by a client-set family (no endpoint option)', () => {
  /** Where a client would send ListCertificates: the request is stopped before it leaves. */
  async function hostOf(client: ACMClient): Promise<string> {
    client.middlewareStack.add(
      () => async (args) => {
        throw Object.assign(new Error('stopped'), {
          host: `${(args.request as { hostname: string }).hostname}:${(args.request as { port?: number }).port ?? ''}`,
        });
      },
      { step: 'finalizeRequest', name: 'testStopBeforeSending', priority: 'low' },
    );
    const error = (await client.send(new ListCertificatesCommand({})).catch((e: unknown) => e)) as {
      host?: string;
    };
    return String(error.host);
  }

  beforeEach(() => emu.reset());
  const clientsWithoutEndpoint = (profile?: string) =>
    createClients({
      region: REGION,
      credentials: CREDENTIALS,
      maxAttempts: 4,
      quotas: false,
      ...(profile ? { profile } : {}),
    });

  it('sends where AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL or the profile say, in every set', async () => {
    configFile(`[default]\nservices = local\n[services local]\nsts =\n  endpoint_url = ${emu.url}\n`);
    process.env.AWS_ENDPOINT_URL_ACM = emu.url;
    process.env.AWS_ENDPOINT_URL_IAM = emu.url;
    const base = await clientsWithoutEndpoint();
    for (const set of [base, base.withCredentials?.(OTHER) as AwsClients]) {
      await (await set.acm()).send(new ListCertificatesCommand({}));
      await (await set.sts()).send(new GetCallerIdentityCommand({}));
      await (await set.iam()).send(new ListRolesCommand({}));
    }
    // (The emulator may throttle a ListCertificates: the retry reaches it too.)
    expect(
      emu
        .calls()
        .filter((c) => c.status === 200)
        .map((c) => c.service),
    ).toEqual(['acm', 'sts', 'iam', 'acm', 'sts', 'iam']);
    base.destroy();
  });

  it('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS still sends to AWS, as a plain SDK client would', async () => {
    configFile('');
    process.env.AWS_ENDPOINT_URL = emu.url;
    const base = await clientsWithoutEndpoint();
    const configured = await hostOf(await base.acm());
    expect(configured).toBe(`${new URL(emu.url).hostname}:${new URL(emu.url).port}`);
    base.destroy();
    process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = 'true';
    const ignoring = await clientsWithoutEndpoint();
    const plain = new ACMClient({ region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
    const expected = await hostOf(plain);
    expect(expected).toMatch(/^acm\.eu-west-1\.amazonaws\.com:/);
    expect(await hostOf(await ignoring.acm())).toBe(expected);
    const assumed = ignoring.withCredentials?.(OTHER) as AwsClients;
    expect(await hostOf(await assumed.acm())).toBe(expected);
    plain.destroy();
    ignoring.destroy();
  });

  it("looks a service's configured endpoint up once for the whole family", async () => {
    configFile('');
    const real = process.env;
    let lookups = 0;
    process.env = new Proxy(real, {
      has: (target, key) => key in target,
      get(target, key) {
        if (key === 'AWS_ENDPOINT_URL_STS') lookups++;
        return target[key as string];
      },
    });
    try {
      real.AWS_ENDPOINT_URL_STS = emu.url;
      const base = await clientsWithoutEndpoint();
      for (let i = 0; i < 5; i++) {
        const target = base.withCredentials?.({ ...CREDENTIALS }) as AwsClients;
        await (await target.sts()).send(new GetCallerIdentityCommand({}));
      }
      expect(emu.calls({ service: 'sts' })).toHaveLength(5);
      expect(lookups).toBe(1);
      base.destroy();
    } finally {
      process.env = real;
    }
  });
});
