/**
 * Controls of the harness itself: a deliberately naive "ensure" that requests a certificate without
 * reading first or passing an IdempotencyToken must be caught by the same checks the matrix applies
 * (a duplicate after a crash and rerun, a mutating third run), and the crash wrapper must stop every
 * call after the crash point. Without these, a matrix that never fails would prove nothing.
 */
import { RequestCertificateCommand } from '@aws-sdk/client-acm';
import type { AwsClients } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashingClients, isMutatingOperation, SimulatedCrashError } from './support/crash-clients.js';
import { emulatorClients, startTestEmulator } from './support/emulator.js';
import { duplicates, snapshotState } from './support/state-snapshot.js';
import { baseWorld } from './support/targets.js';

/** Not idempotent on purpose: no lookup, no IdempotencyToken. */
async function naiveRequestCertificate(clients: AwsClients): Promise<void> {
  const acm = await clients.acm();
  await acm.send(
    new RequestCertificateCommand({ DomainName: 'naive.rel.example.com', ValidationMethod: 'DNS' }),
  );
  await acm.send(
    new RequestCertificateCommand({ DomainName: 'other.rel.example.com', ValidationMethod: 'DNS' }),
  );
}

describe('harness controls', () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  beforeAll(async () => {
    emu = await startTestEmulator(baseWorld());
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('a naive, non-idempotent procedure is caught: duplicate certificate after crash + rerun, and its third run mutates', async () => {
    const crashed = await emulatorClients(emu);
    await expect(naiveRequestCertificate(crashingClients(crashed, 1).clients)).rejects.toThrow(
      /simulated crash/,
    );
    crashed.destroy();
    const clients = await emulatorClients(emu);
    await naiveRequestCertificate(clients);
    expect(duplicates(snapshotState(emu.state))).toEqual([
      'certificate ap-northeast-1 ["naive.rel.example.com"]',
    ]);
    emu.resetCalls();
    await naiveRequestCertificate(clients);
    expect(emu.calls({ mutating: true }).length).toBe(2);
    clients.destroy();
  });

  it('the crash wrapper lets N mutating calls through, then refuses every call (reads included) before it is sent', async () => {
    emu.reset();
    const clients = await emulatorClients(emu);
    const { clients: crashing, log } = crashingClients(clients, 1, { loseResponse: true });
    const error = await naiveRequestCertificate(crashing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulatedCrashError);
    expect(log.mutations).toEqual(['acm:RequestCertificate']);
    expect(emu.calls().map((c) => c.operation)).toEqual(['RequestCertificate']);
    clients.destroy();
  });

  it('the mutating prefix rule: writes by prefix, reads not', () => {
    for (const op of [
      'CreateRole',
      'PutRolePolicy',
      'CreateOrUpdateTagsCommand',
      'ChangeResourceRecordSets',
      'RequestCertificate',
      'AddTagsToCertificate',
      'SetRepositoryPolicy',
    ])
      expect(isMutatingOperation(op), op).toBe(true);
    for (const op of [
      'GetRole',
      'ListCertificates',
      'DescribeCertificate',
      'GetAuthorizationToken',
      'DescribeAutoScalingGroups',
    ])
      expect(isMutatingOperation(op), op).toBe(false);
  });
});
