/** The worker-group selection in stack terms: errors and findings name autoscaler.workerGroups, not the library option. */
import { readFileSync } from 'node:fs';
import { startEmulator, type World } from '@eks-kit/aws-emulator';
import { createClients, type EksKitError, finding } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { applyStack, inStackTerms, parseStack, planStack } from '../src/index.js';

describe('worker group selection in stack terms', () => {
  it('a prefix that matches no group: the plan error names autoscaler.workerGroups and prefix, not namePrefix', async () => {
    const root = new URL('../../../examples/seed/', import.meta.url);
    const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
    const seed = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
    const stack = parseStack(
      seed.replace(/workerGroups:\n(\s+)names:[^\n]*(\n\s+- [^\n]*)*/, 'workerGroups:\n$1prefix: nosuch-'),
    );
    expect(stack.autoscaler?.workerGroups.prefix).toBe('nosuch-');
    const emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world });
    const clients = await createClients({
      region: 'ap-northeast-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 3,
    });
    try {
      // issue 14: the plan shows the refusal as a blocking finding (and goes on with the other steps)
      const plan = await planStack(clients, stack);
      const e = plan.findings.find((f) => f.check === 'autoscaler.tags.blocked');
      expect(e?.status).toBe('fail');
      if (!e) throw new Error('no blocker finding');
      expect(e.message).toContain('autoscaler.workerGroups (prefix nosuch-)');
      expect(e.hint).toContain('autoscaler.workerGroups');
      expect(plan.changes.some((c) => c.resource.startsWith('iam role'))).toBe(true);
      const refused = await applyStack(clients, stack, { yes: true, wait: false }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect((refused as EksKitError).code).toBe('ApplyBlocked');
      expect(emu.calls({ mutating: true })).toEqual([]);
      expect(`${e.message} ${e.hint}`).not.toContain('namePrefix');
    } finally {
      clients.destroy();
      await emu.stop();
    }
  });

  it('the "no worker group" finding of a check names autoscaler.workerGroups', () => {
    const [f] = inStackTerms([
      finding(
        'autoscaler.node-groups',
        'cluster seed',
        'fail',
        'no worker Auto Scaling group found for the cluster',
        {
          hint: 'select the groups by names or namePrefix, or tag them with ensureAutoDiscoveryTags',
        },
      ),
    ]);
    expect(f?.hint).toContain('autoscaler.workerGroups');
    expect(f?.hint).not.toContain('namePrefix');
  });
});
