import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { deleteCertificate, ensureCertificate, listRecordSets } from '../src/index.js';
import { fastSchedule, rejection, useFastEmulator } from './helpers.js';

const ARN = (id: string): string => `arn:aws:acm:ap-northeast-1:123456789012:certificate/${id}`;
const world = {
  route53: { hostedZones: [{ name: 'example.com', id: 'ZEXAMPLE' }] },
  acm: {
    certificates: [
      {
        arn: ARN('in-use'),
        domainName: 'used.example.com',
        tags: { 'eks-kit:stack': 'demo' },
        inUseBy: ['arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/x/1'],
      },
      { arn: ARN('byhand'), domainName: 'byhand.example.com' },
      { arn: ARN('theirs'), domainName: 'theirs.example.com', tags: { 'eks-kit:stack': 'other' } },
    ],
  },
};
const request = (stack: string) => ({
  domainName: 'app.example.com',
  stack,
  recordsSchedule: fastSchedule,
});

describe('deleteCertificate against the emulator', () => {
  let emu: Emulator;
  let clients: AwsClients;
  useFastEmulator(world, (e, c) => {
    emu = e;
    clients = c;
  });
  const mutating = (): string[] => emu.calls({ mutating: true }).map((c) => `${c.service}:${c.operation}`);
  const cnames = async (): Promise<string[]> =>
    (await listRecordSets(clients, 'ZEXAMPLE')).filter((r) => r.type === 'CNAME').map((r) => r.name);

  it('deletes the validation record then the certificate; dry run first and a rerun make no mutating call', async () => {
    const { arn } = await ensureCertificate(clients, request('demo'));
    expect(await cnames()).toHaveLength(1);
    emu.resetCalls();
    const plan = await deleteCertificate(clients, { arn: arn as string, stack: 'demo' }, { dryRun: true });
    expect(plan.outcome).toBe('deleted');
    expect(mutating()).toEqual([]);
    const done = await deleteCertificate(clients, { arn: arn as string, stack: 'demo' });
    expect(done.changes).toEqual(plan.changes);
    expect(mutating()).toEqual(['route53:ChangeResourceRecordSets', 'acm:DeleteCertificate']);
    expect(await cnames()).toEqual([]);
    emu.resetCalls();
    expect((await deleteCertificate(clients, { arn: arn as string, stack: 'demo' })).outcome).toBe('absent');
    expect(mutating()).toEqual([]);
  });

  it('keeps a validation record another certificate of the same name still needs', async () => {
    const ours = await ensureCertificate(clients, request('demo'));
    const theirs = await ensureCertificate(clients, request('other'));
    expect(theirs.arn).not.toBe(ours.arn);
    emu.resetCalls();
    const done = await deleteCertificate(clients, { arn: ours.arn as string, stack: 'demo' });
    expect(done.outcome).toBe('deleted');
    expect(done.keptRecords).toHaveLength(1);
    expect(done.keptRecords[0]?.reason).toContain(theirs.arn as string);
    expect(mutating()).toEqual(['acm:DeleteCertificate']);
    expect(await cnames()).toHaveLength(1);
  });

  it('refuses a certificate in use, naming ACM ResourceInUseException and the load balancer, before any write', async () => {
    const r = await deleteCertificate(clients, { arn: ARN('in-use'), stack: 'demo' });
    expect(r).toMatchObject({ outcome: 'kept', keptBecause: 'refused' });
    expect(r.reason).toContain('ResourceInUseException');
    expect(r.reason).toContain('loadbalancer/app/x/1');
    expect(mutating()).toEqual([]);
  });

  it('never touches an untagged or foreign certificate', async () => {
    for (const id of ['byhand', 'theirs'])
      expect(await deleteCertificate(clients, { arn: ARN(id), stack: 'demo' })).toMatchObject({
        outcome: 'kept',
        keptBecause: 'not-owned',
      });
    expect(mutating()).toEqual([]);
  });

  it('refuses a malformed ARN before any call', async () => {
    expect(await rejection(deleteCertificate(clients, { arn: 'nope', stack: 'demo' }))).toBeInstanceOf(
      InvalidInputError,
    );
    expect(emu.calls({})).toEqual([]);
  });
});
