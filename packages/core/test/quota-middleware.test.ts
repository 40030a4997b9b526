/**
 * Issue 22 item 4: the quota buckets are added through the client middleware hook, like a caller's
 * middleware. Asserted by behaviour (who waited, who ran), with an injected clock: no timings.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestEmulator, type TestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientMiddleware,
  createClients,
  createQuotas,
  quotaMiddleware,
  type RateLimiterClock,
  withClientMiddleware,
} from '../src/index.js';

/** Time stands still unless a bucket sleeps: whether a call waits is arithmetic, not machine load. */
function frozenClock(): RateLimiterClock {
  let t = 1_000_000;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  };
}

/**
 * Buckets where STS GetCallerIdentity is 1/s with a bucket of one (the emulator never throttles it,
 * so every wait counted is the client's own, and no retry adds one).
 */
function oneBucket() {
  return createQuotas({
    clock: frozenClock(),
    quotas: {
      sts: { scope: 'region', defaultRate: { ratePerSecond: 1, burst: 1 }, operations: {}, source: 'test' },
    },
  });
}

/** A caller's middleware that records each command it sees, and the principal it is told. */
function recorder(): ClientMiddleware & { seen: string[]; principals: Array<string | undefined> } {
  const seen: string[] = [];
  const principals: Array<string | undefined> = [];
  return {
    seen,
    principals,
    name: 'testRecorder',
    handler: (info) => (next, context) => async (args) => {
      seen.push(`${info.service}:${context.commandName}`);
      principals.push(await info.principal?.());
      return next(args);
    },
  };
}

let env: TestEmulator;
beforeAll(async () => {
  env = await startTestEmulator({ speed: 1 });
});
afterAll(async () => {
  await env.stop();
});

describe('quota middleware through the client middleware hook', () => {
  it('a caller`s middleware and the quota middleware both run on every call of a client set', async () => {
    const quotas = oneBucket();
    const mine = recorder();
    const clients = await createClients({
      ...env.clientConfig(),
      middleware: [mine],
      quotas: { use: quotas },
    });
    try {
      const sts = await clients.sts();
      await sts.send(new GetCallerIdentityCommand({}));
      await sts.send(new GetCallerIdentityCommand({}));
      // A bucket of one: the second call waited for a token.
      expect(quotas.waited()).toEqual({ 'sts:GetCallerIdentity': 1 });
      expect(mine.seen).toEqual(['sts:GetCallerIdentityCommand', 'sts:GetCallerIdentityCommand']);
      // The hook tells middleware whose credentials a client signs with (the quota buckets' key).
      expect(mine.principals).toEqual([env.credentials.accessKeyId, env.credentials.accessKeyId]);
      expect(env.calls({ operation: 'GetCallerIdentity' })).toHaveLength(2);
    } finally {
      clients.destroy();
    }
  });

  it('withClientMiddleware adds the buckets to a set made without them (quotas: false)', async () => {
    const quotas = oneBucket();
    const bare = await createClients({ ...env.clientConfig(), quotas: false });
    try {
      const limited = withClientMiddleware(bare, quotaMiddleware(quotas));
      const sts = await limited.sts();
      await sts.send(new GetCallerIdentityCommand({}));
      await sts.send(new GetCallerIdentityCommand({}));
      expect(quotas.waited()).toEqual({ 'sts:GetCallerIdentity': 1 });
    } finally {
      bare.destroy();
    }
  });

  it('another principal takes from its own buckets (quotas are per account)', async () => {
    const quotas = oneBucket();
    const a = await createClients({ ...env.clientConfig(), quotas: { use: quotas } });
    const b = await createClients({
      ...env.clientConfig({ accessKeyId: 'AKIDOTHER' }),
      quotas: { use: quotas },
    });
    try {
      await (await a.sts()).send(new GetCallerIdentityCommand({}));
      await (await b.sts()).send(new GetCallerIdentityCommand({}));
      expect(quotas.waited()).toEqual({});
    } finally {
      a.destroy();
      b.destroy();
    }
  });
});
