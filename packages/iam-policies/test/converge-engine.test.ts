/**
 * ensureRole on core's converge engine (issue 20 item 2), against the emulator: dry run, events,
 * abort between writes and a write refused half-way behave as the engine promises, and the rerun
 * converges from where the run stopped.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import {
  AwsCallError,
  type AwsClients,
  changesApplied,
  EksKitError,
  type ProgressEvent,
} from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { ensureRole, irsaTrustPolicy, policyDocument, type RoleSpec, statement } from '../src/index.js';
import { FAST_RETRY, PROVIDER_ARN, useIamEmulator } from './support/emulator.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const policy = policyDocument(
  [statement({ actions: ['autoscaling:DescribeAutoScalingGroups'], resources: '*' })],
  {
    kind: 'identity',
  },
);
const spec: RoleSpec = {
  name: 'engine-role',
  trust: irsaTrustPolicy({ oidcProviderArn: PROVIDER_ARN }, 'kube-system', 'cluster-autoscaler'),
  inlinePolicies: { a: policy, b: policy },
  managedPolicyArns: [READ_ONLY],
  stack: 'prod',
};

let emu: Emulator;
let clients: AwsClients;
useIamEmulator((e, c) => {
  emu = e;
  clients = c;
});

const mutating = (): string[] => emu.calls({ service: 'iam', mutating: true }).map((c) => c.operation);

describe('ensureRole on the converge engine', () => {
  it('a dry run emits one plan event per change and makes no mutating call', async () => {
    const events: ProgressEvent[] = [];
    const { changes } = await ensureRole(clients, spec, {
      ...FAST_RETRY,
      dryRun: true,
      onEvent: (e) => events.push(e),
    });
    expect(events.filter((e) => e.type === 'plan').map((e) => e.message)).toEqual(
      changes.map((c) => c.summary),
    );
    expect(changes).toHaveLength(4);
    expect(mutating()).toEqual([]);
  });

  it('an abort after the second write stops before the third; the error carries the two changes; a rerun finishes', async () => {
    const controller = new AbortController();
    const applied: string[] = [];
    const error = await ensureRole(clients, spec, {
      ...FAST_RETRY,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type !== 'applied') return;
        applied.push(e.message);
        if (applied.length === 2) controller.abort(new EksKitError('Aborted', 'stopped by the test'));
      },
    }).catch((e: unknown) => e);
    expect((error as EksKitError).code).toBe('Aborted');
    expect(mutating()).toEqual(['CreateRole', 'PutRolePolicy']);
    expect(changesApplied(error)?.map((c) => c.summary)).toEqual(applied);

    emu.resetCalls();
    const rerun = await ensureRole(clients, spec, FAST_RETRY);
    expect(rerun.changes.map((c) => c.summary)).toEqual(['inline policy b: create', `attach ${READ_ONLY}`]);
    expect(mutating()).toEqual(['PutRolePolicy', 'AttachRolePolicy']);
    emu.resetCalls();
    expect((await ensureRole(clients, spec, FAST_RETRY)).changes).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it('a write AWS refuses half-way stops the run with the operation named and the changes already made', async () => {
    emu.setFaults([
      { service: 'iam', operation: 'AttachRolePolicy', kind: 'error5xx', code: 'AccessDenied', status: 403 },
    ]);
    const error = await ensureRole(clients, spec, FAST_RETRY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as AwsCallError).operation).toBe('iam:AttachRolePolicy');
    expect(changesApplied(error)?.map((c) => c.summary)).toEqual([
      expect.stringMatching(/^create role \/engine-role trusted by /),
      'inline policy a: create',
      'inline policy b: create',
    ]);
    emu.setFaults([]);
    emu.resetCalls();
    expect((await ensureRole(clients, spec, FAST_RETRY)).changes.map((c) => c.summary)).toEqual([
      `attach ${READ_ONLY}`,
    ]);
    expect(mutating()).toEqual(['AttachRolePolicy']);
  });

  it('refuses a timeoutMs that is not a positive number before any AWS call', async () => {
    await expect(ensureRole(clients, spec, { ...FAST_RETRY, timeoutMs: 0 })).rejects.toThrow(
      /^timeoutMs: expected/,
    );
    expect(emu.calls({ service: 'iam' })).toEqual([]);
  });
});
