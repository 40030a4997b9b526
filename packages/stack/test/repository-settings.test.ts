/** Repository settings from the stack file: tag mutability exclusions, and the registry scanning configuration deciding. */
import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStack, checkStack, desiredRepositories, parseStack, planStack } from '../src/index.js';
import { startStackEmulator, stopStackEmulator } from './support/emulator.js';
import { BASE_STACK as base, refusal } from './support/stack-text.js';

describe('repositories: tagMutabilityExclusions', () => {
  const repo = (extra: string) => `${base}repositories:\n  - name: app\n${extra}`;

  it('takes the exclusion filters with *_WITH_EXCLUSION and passes them to the repository spec', () => {
    const stack = parseStack(
      repo('    tagMutability: IMMUTABLE_WITH_EXCLUSION\n    tagMutabilityExclusions: [latest, "dev-*"]\n'),
      'eks-kit.yaml',
    );
    expect(stack.repositories[0]?.tagMutabilityExclusions).toEqual(['dev-*', 'latest']);
    expect(desiredRepositories(stack)[0]).toMatchObject({
      tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      tagMutabilityExclusions: ['dev-*', 'latest'],
    });
  });

  it('refuses *_WITH_EXCLUSION without filters, naming the key', () => {
    expect(refusal(repo('    tagMutability: MUTABLE_WITH_EXCLUSION\n')).message).toMatch(
      /repositories\[0\]\.tagMutabilityExclusions: expected at least one tag filter/,
    );
  });

  it('refuses filters without *_WITH_EXCLUSION, and filters ECR would refuse', () => {
    expect(
      refusal(repo('    tagMutability: IMMUTABLE\n    tagMutabilityExclusions: [latest]\n')).message,
    ).toMatch(
      /repositories\[0\]\.tagMutabilityExclusions: expected no filters unless tagMutability is \*_WITH_EXCLUSION/,
    );
    expect(
      refusal(
        repo('    tagMutability: IMMUTABLE_WITH_EXCLUSION\n    tagMutabilityExclusions: ["has space"]\n'),
      ).message,
    ).toMatch(/repositories\[0\]\.tagMutabilityExclusions\[0\]: expected a tag filter/);
    expect(
      refusal(
        repo(
          '    tagMutability: IMMUTABLE_WITH_EXCLUSION\n    tagMutabilityExclusions: [a, b, c, d, e, f]\n',
        ),
      ).message,
    ).toMatch(/at most 5 filters/);
  });
});

describe('repositories: the registry scanning configuration decides (emulator)', () => {
  const root = new URL('../../../examples/seed/', import.meta.url);
  const seedStack = parseStack(readFileSync(new URL('eks-kit.yaml', root), 'utf8'));
  const seedWorld = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
  // Every repository of the seed has scanOnPush: true; the registry's rule scans only prod/*.
  const world: World = {
    ...seedWorld,
    ecr: {
      repositories: [],
      registryScanning: {
        scanType: 'BASIC',
        rules: [
          {
            scanFrequency: 'SCAN_ON_PUSH',
            repositoryFilters: [{ filter: 'prod/*', filterType: 'WILDCARD' }],
          },
        ],
      },
    },
  };
  let emu: Emulator;
  let clients: AwsClients;
  beforeAll(async () => {
    ({ emu, clients } = await startStackEmulator(world));
  });
  afterAll(() => stopStackEmulator(emu, clients));

  it('apply sets no repository-level scanning, plan shows no scanning change, check says which setting applies', async () => {
    await applyStack(clients, seedStack, { yes: true });
    expect(emu.calls({ operation: 'PutImageScanningConfiguration' })).toEqual([]);
    const plan = await planStack(clients, seedStack);
    expect(plan.changes.filter((c) => /scan/i.test(c.summary))).toEqual([]);
    const findings = (await checkStack(clients, seedStack)).filter((f) => f.check === 'ecr.scanning');
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.status).toBe('warn'); // the stack wants scan on push, the registry says MANUAL
      expect(f.message).toContain("the registry's BASIC scanning rules apply");
      expect(f.message).toContain("the stack's scanOnPush: true is not used");
      expect(f.hint).toContain('PutRegistryScanningConfiguration');
    }
  });
});
