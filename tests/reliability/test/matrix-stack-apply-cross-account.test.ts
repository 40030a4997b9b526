/**
 * Fault matrix of the cross-account apply (issue 18): throttling, 5xx, latency and a crash after each
 * mutating call, with the validation record written through the DNS account's role (see
 * support/fault-matrix.ts); and AssumeRole refused.
 */
import { describe, expect, it } from 'vitest';
import { emulatorClients, startTestEmulator } from './support/emulator.js';
import { defineFaultMatrix } from './support/fault-matrix.js';
import { crossAccountStack, targetNamed } from './support/targets.js';

await defineFaultMatrix(targetNamed('stack: applyStack (examples/cross-account)'));

describe('stack: applyStack (examples/cross-account) with AssumeRole refused', () => {
  it('is blocked before the first write, naming the role, and a later run with the role fixed converges', async () => {
    const { stack, world } = crossAccountStack();
    const emu = await startTestEmulator(world, { acmRecordDelaySeconds: 0 });
    const clients = await emulatorClients(emu, 2);
    try {
      const closed = structuredClone(world);
      const dnsIam = closed.accounts?.['222222222222']?.iam as {
        roles: Array<{ assumeRolePolicyDocument: unknown }>;
      };
      const role = dnsIam.roles[0] as { assumeRolePolicyDocument: unknown };
      role.assumeRolePolicyDocument = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' },
        ],
      };
      emu.seed(closed);
      const { applyStack } = await import('@eks-kit/stack');
      const err = await applyStack(clients, stack, { yes: true, wait: false }).catch((e: unknown) => e);
      expect(String((err as Error).message)).toContain('cannot assume the DNS role');
      expect(emu.calls({ mutating: true }).filter((c) => c.operation !== 'AssumeRole')).toEqual([]);
      emu.seed(world);
      const done = await applyStack(clients, stack, { yes: true, wait: false });
      expect(done.certificates[0]?.arn).toMatch(/^arn:aws:acm:eu-west-1:111111111111:certificate\//);
    } finally {
      clients.destroy();
      await emu.stop();
    }
  });
});
