/**
 * When the SDK's config loader cannot be loaded from core (`@smithy/core/config`: an optional peer,
 * absent from a strict pnpm layout or from an older @smithy/core hoisted beside core), createClients
 * still works: each client then looks its settings up itself, as every client did before issue 21.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClients } from '../src/index.js';

vi.mock('@smithy/core/config', () => {
  throw new Error("Cannot find module '@smithy/core/config'");
});

let emu: Emulator;
beforeAll(async () => {
  emu = (await startTestEmulator({ speed: 1, seed: { accountId: '111111111111' } })).emulator;
});
afterAll(() => emu.stop());

describe('settings shared by a family, without the SDK config loader', () => {
  it('clients are made and answer; each looks its settings up itself', async () => {
    const clients = await createClients({
      region: 'eu-west-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      quotas: false,
      maxAttempts: 1,
    });
    try {
      const sts = await clients.sts();
      const me = await sts.send(new GetCallerIdentityCommand({}));
      expect(me.Account).toBe('111111111111');
      const other = await clients.withRegion('us-east-1').sts();
      expect((await other.send(new GetCallerIdentityCommand({}))).Account).toBe('111111111111');
      // The client's own defaults: FIPS off unless the environment or profile says otherwise.
      expect(await (sts.config.useFipsEndpoint as () => Promise<boolean>)()).toBe(
        process.env.AWS_USE_FIPS_ENDPOINT === 'true',
      );
    } finally {
      clients.destroy();
    }
  });
});
