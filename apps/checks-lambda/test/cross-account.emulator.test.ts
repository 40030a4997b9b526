import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { createClients } from '@eks-kit/core';
import { parseStack } from '@eks-kit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksExecutionPolicy, runCheckTasks, stackCheckTasks } from '../src/index.js';

const root = new URL('../../../examples/cross-account/', import.meta.url);
const stack = parseStack(readFileSync(new URL('eks-kit.yaml', root), 'utf8'));
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
const ROLE = 'arn:aws:iam::222222222222:role/eks-kit-dns';

let emu: Emulator;
beforeAll(async () => {
  emu = (await startTestEmulator({ seed: world })).emulator;
});
afterAll(() => emu.stop());

describe('the checks Lambda with the zone in another account', () => {
  it('may assume only the DNS role, and reads the zone name servers for the delegation check', () => {
    const doc = checksExecutionPolicy(stack, { accountId: '111111111111' });
    const assume = doc.Statement.filter((s) => [s.Action].flat().includes('sts:AssumeRole'));
    expect(assume).toEqual([expect.objectContaining({ Sid: 'AssumeDnsRoles', Resource: ROLE })]);
    expect(JSON.stringify(doc)).toContain('route53:GetHostedZone');
  });

  it('runs the certificate checks through the DNS role: the undelegated sub-zone fails with the NS records to add', async () => {
    const undelegated = structuredClone(world);
    (undelegated.route53?.hostedZones?.[0] as { records?: unknown[] }).records = [];
    emu.seed(undelegated);
    const clients = await createClients({
      region: 'eu-west-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'AKIDWORKLOAD', secretAccessKey: 'secret' },
      maxAttempts: 2,
    });
    try {
      const runs = await runCheckTasks(clients, stackCheckTasks(stack), { concurrency: 2 });
      const findings = runs.flatMap((r) => r.findings);
      const delegation = findings.find((f) => f.check === 'certificate.delegation');
      expect(delegation?.status).toBe('fail');
      expect(delegation?.hint).toContain('apps.example.com. NS ns-385.awsdns-01.org.');
      // Route 53 of the DNS account was read through the assumed role; nothing was written.
      expect(emu.calls({ service: 'route53', account: '222222222222' }).length).toBeGreaterThan(0);
      expect(emu.calls({ mutating: true })).toEqual([]);
    } finally {
      clients.destroy();
    }
  });
});
