import {
  ECRClient,
  GetRegistryScanningConfigurationCommand,
  PutRegistryScanningConfigurationCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

// Issue 17: the registry's scanning configuration replaces the deprecated repository-level scanOnPush.
describe('ECR emulator: registry scanning configuration', () => {
  let emu: Emulator;
  let ecr: ECRClient;
  beforeAll(async () => {
    emu = await startTestEmulator();
    ecr = new ECRClient(clientConfig(emu));
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  it('answers BASIC with no rules for a registry never configured', async () => {
    const out = await ecr.send(new GetRegistryScanningConfigurationCommand({}));
    expect(out.registryId).toBe('123456789012');
    expect(out.scanningConfiguration).toEqual({ scanType: 'BASIC', rules: [] });
  });

  it('stores what PutRegistryScanningConfiguration sets, per region, as a mutating call', async () => {
    const rules = [
      {
        scanFrequency: 'SCAN_ON_PUSH' as const,
        repositoryFilters: [{ filter: 'prod*', filterType: 'WILDCARD' as const }],
      },
    ];
    const put = await ecr.send(new PutRegistryScanningConfigurationCommand({ scanType: 'BASIC', rules }));
    expect(put.registryScanningConfiguration).toEqual({ scanType: 'BASIC', rules });
    expect((await ecr.send(new GetRegistryScanningConfigurationCommand({}))).scanningConfiguration).toEqual({
      scanType: 'BASIC',
      rules,
    });
    const other = new ECRClient(clientConfig(emu, { region: 'us-east-1' }));
    expect(
      (await other.send(new GetRegistryScanningConfigurationCommand({}))).scanningConfiguration?.rules,
    ).toEqual([]);
    expect(emu.calls({ mutating: true }).map((c) => c.operation)).toEqual([
      'PutRegistryScanningConfiguration',
    ]);
  });

  it('refuses CONTINUOUS_SCAN with BASIC, more than two rules and bad filters (ValidationException)', async () => {
    const filter = [{ filter: 'app', filterType: 'WILDCARD' as const }];
    const errors = await Promise.all([
      failure(
        ecr.send(
          new PutRegistryScanningConfigurationCommand({
            scanType: 'BASIC',
            rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: filter }],
          }),
        ),
      ),
      failure(
        ecr.send(
          new PutRegistryScanningConfigurationCommand({
            scanType: 'ENHANCED',
            rules: [1, 2, 3].map(() => ({
              scanFrequency: 'SCAN_ON_PUSH' as const,
              repositoryFilters: filter,
            })),
          }),
        ),
      ),
      failure(
        ecr.send(
          new PutRegistryScanningConfigurationCommand({
            scanType: 'BASIC',
            rules: [
              {
                scanFrequency: 'SCAN_ON_PUSH',
                repositoryFilters: [{ filter: 'Bad Name', filterType: 'WILDCARD' }],
              },
            ],
          }),
        ),
      ),
    ]);
    expect(errors.map((e) => e.name)).toEqual([
      'ValidationException',
      'ValidationException',
      'ValidationException',
    ]);
  });

  it('takes the configuration from the seed world', async () => {
    const seeded = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      seed: {
        ecr: {
          registryScanning: {
            scanType: 'ENHANCED',
            rules: [
              {
                scanFrequency: 'CONTINUOUS_SCAN',
                repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }],
              },
            ],
          },
        },
      },
    });
    try {
      const client = new ECRClient(clientConfig(seeded));
      const out = await client.send(new GetRegistryScanningConfigurationCommand({}));
      expect(out.scanningConfiguration?.scanType).toBe('ENHANCED');
      expect(out.scanningConfiguration?.rules?.[0]?.scanFrequency).toBe('CONTINUOUS_SCAN');
    } finally {
      await seeded.stop();
    }
  });
});
