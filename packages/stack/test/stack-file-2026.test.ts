import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { type AwsClients, finding, InvalidInputError } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyStack,
  checkStack,
  desiredRepositories,
  inStackTerms,
  parseStack,
  planStack,
  renderStack,
} from '../src/index.js';
import { startStackEmulator, stopStackEmulator } from './support/emulator.js';

// Issue 17, "Stack file": region is part of a certificate's identity; tag mutability exclusion
// filters can be written.
const base = `name: demo
cluster:
  name: demo
  region: eu-west-1
  kubernetesVersion: "1.35"
`;

const refusal = (text: string): InvalidInputError => {
  try {
    parseStack(text, 'eks-kit.yaml');
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected the stack to be refused');
};

describe('certificates: the same names in two regions', () => {
  it('accepts the same names in us-east-1 (CloudFront) and in the cluster region (load balancer)', () => {
    const stack = parseStack(
      `${base}certificates:\n  - domainName: app.example.com\n  - domainName: app.example.com\n    region: us-east-1\n`,
      'eks-kit.yaml',
    );
    expect(stack.certificates.map((c) => c.region ?? stack.cluster.region)).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });

  it('still refuses the same names twice in one region (the cluster region written out counts)', () => {
    const error = refusal(
      `${base}certificates:\n  - domainName: app.example.com\n  - domainName: app.example.com\n    region: eu-west-1\n`,
    );
    expect(error.message).toMatch(/certificates\[1\]\.domainName: expected a certificate not already listed/);
  });
});

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

describe('scale-from-zero hint when the stack already has the node template', () => {
  const f = finding(
    'autoscaler.scale-from-zero',
    'autoscaling group seed-workers-b',
    'warn',
    'min size 0 without node-template tags',
    {
      hint: 'add nodeTemplates for this group to ensureAutoDiscoveryTags (labels, taints with :effect, resources)',
    },
  );

  it('asks to add autoscaler.nodeTemplates.<group> when the stack does not have it', () => {
    expect(inStackTerms([f], { autoscaler: { nodeTemplates: {} } })[0]?.hint).toContain(
      'add autoscaler.nodeTemplates.seed-workers-b',
    );
  });

  it('says eks-kit apply when the stack has it and only the tags drifted', () => {
    const hint = inStackTerms([f], {
      autoscaler: { nodeTemplates: { 'seed-workers-b': { labels: { a: 'b' } } } },
    })[0]?.hint;
    expect(hint).toContain('run eks-kit apply');
    expect(hint).not.toContain('add autoscaler.nodeTemplates');
  });
});

describe('EKS add-ons: metrics-server and the Pod Identity agent (emulator)', () => {
  const root = new URL('../../../examples/seed/', import.meta.url);
  const seedStack = parseStack(readFileSync(new URL('eks-kit.yaml', root), 'utf8'));
  const seedWorld = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
  const withAddons = (addons: Array<{ name: string }>): World => {
    const eks = seedWorld.eks as NonNullable<World['eks']>;
    return { ...seedWorld, eks: { ...eks, clusters: (eks.clusters ?? []).map((c) => ({ ...c, addons })) } };
  };
  const podIdentityStack = {
    ...seedStack,
    autoscaler: {
      ...seedStack.autoscaler!,
      identity: { ...seedStack.autoscaler!.identity, mode: 'pod-identity' as const },
    },
  };
  let emu: Emulator;
  let clients: AwsClients;
  beforeAll(async () => {
    ({ emu, clients } = await startStackEmulator(withAddons([])));
  });
  afterAll(() => stopStackEmulator(emu, clients));
  const addonFindings = async (stack: typeof seedStack) =>
    (await checkStack(clients, stack)).filter((f) => f.check.startsWith('addons.'));

  it('pod-identity without the eks-pod-identity-agent add-on is a failing finding with the fix', async () => {
    emu.seed(withAddons([]));
    const agent = (await addonFindings(podIdentityStack)).find(
      (f) => f.check === 'addons.pod-identity-agent',
    );
    expect(agent).toMatchObject({ status: 'fail' });
    expect(agent?.hint).toContain(
      'aws eks create-addon --cluster-name seed --addon-name eks-pod-identity-agent',
    );
    emu.seed(withAddons([{ name: 'eks-pod-identity-agent' }]));
    const ok = (await addonFindings(podIdentityStack)).find((f) => f.check === 'addons.pod-identity-agent');
    expect(ok?.status).toBe('ok');
  });

  it('metrics-server as an EKS add-on: check says so, render leaves eks-kit`s copy out', async () => {
    emu.seed(withAddons([{ name: 'metrics-server' }]));
    const ms = (await addonFindings(seedStack)).find((f) => f.check === 'addons.metrics-server');
    expect(ms?.status).toBe('warn');
    expect(ms?.message).toContain('installed as an EKS add-on');
    const rendered = renderStack(seedStack, {
      accountId: '123456789012',
      installedAddons: ['metrics-server'],
    });
    expect(rendered.map((f) => f.path)).not.toContain('values/metrics-server.yaml');
    expect(rendered.find((f) => f.path === 'helmfile.yaml')?.content).not.toContain('metrics-server');
    const plain = renderStack(seedStack, { accountId: '123456789012' });
    expect(plain.map((f) => f.path)).toContain('values/metrics-server.yaml');
    emu.seed(withAddons([]));
    expect((await addonFindings(seedStack)).find((f) => f.check === 'addons.metrics-server')?.status).toBe(
      'ok',
    );
  });
});
