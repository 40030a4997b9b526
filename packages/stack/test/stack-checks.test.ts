/** stackChecks, the one list of checks that check and the Lambda run, and its hints in stack-file terms. */
import type { AwsClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { applyStack, checkStack, parseStack, runChecks, type StackCheck, stackChecks } from '../src/index.js';
import { seedExample, useStackEmulator } from './support/emulator.js';

const { stackText, world } = seedExample();
const stack = parseStack(stackText);

let clients: AwsClients;
useStackEmulator(world, 'seed', (_emu, c) => {
  clients = c;
});

describe('stackChecks: the one list of checks', () => {
  it('lists the drift of every step, the autoscaler set-up and the certificates, in order', () => {
    expect(stackChecks(stack).map((c) => c.id)).toEqual([
      'drift.autoscaler.tags',
      'drift.autoscaler.role',
      'drift.gitlab.role',
      'drift.repositories',
      'drift.certificates',
      'ownership.grants',
      'autoscaler.setup',
      'addons', // issue 17: the seed installs metrics-server, so check reads whether EKS has it
      'certificates',
      'stack.orphans', // issue 16: resources tagged for the stack that the file no longer describes
    ]);
  });

  it('checkStack returns the findings of running that list, and reports each check`s duration', async () => {
    await applyStack(clients, stack, { yes: true });
    const events: Array<Record<string, unknown>> = [];
    const findings = await checkStack(clients, stack, {
      concurrency: 2,
      onEvent: (e) => events.push(e),
    });
    const direct = (await Promise.all(stackChecks(stack).map((c) => c.run(clients)))).flat();
    expect(findings).toEqual(direct);
    expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
    const done = events.filter((e) => e.type === 'check.done');
    expect(done.map((e) => e.check)).toEqual(expect.arrayContaining(stackChecks(stack).map((c) => c.id)));
    for (const e of done) {
      expect(typeof e.durationMs).toBe('number');
      expect(e.outcome).toBe('ok');
    }
  });

  it('a check that outlives its time limit becomes one fail finding; the others still report', async () => {
    const never: StackCheck = { id: 'stuck', resource: 'something slow', run: () => new Promise(() => {}) };
    const quick: StackCheck = { id: 'quick', resource: 'something quick', run: async () => [] };
    const runs = await runChecks([never, quick], clients, { checkTimeoutMs: 20 });
    expect(runs.map((r) => [r.id, r.outcome])).toEqual([
      ['stuck', 'timeout'],
      ['quick', 'ok'],
    ]);
    expect(runs[0]?.findings).toMatchObject([{ check: 'stuck', status: 'fail' }]);
    expect(runs[0]?.findings[0]?.message).toMatch(/timed out after 20 ms/);
  });

  it('runs at most `concurrency` checks at once', async () => {
    let running = 0;
    let most = 0;
    const check = (id: string): StackCheck => ({
      id,
      resource: id,
      run: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return [];
      },
    });
    await runChecks(['a', 'b', 'c', 'd', 'e'].map(check), clients, { concurrency: 2 });
    expect(most).toBe(2);
  });
});

describe('hints in the stack file`s terms', () => {
  it('scale from zero without node templates says autoscaler.nodeTemplates.<group>, not the library call', async () => {
    const findings = await checkStack(clients, stack);
    const zero = findings.find(
      (f) => f.check === 'autoscaler.scale-from-zero' && f.resource === 'autoscaling group seed-workers-b',
    );
    expect(zero?.status).toBe('warn');
    expect(zero?.hint).toMatch(/autoscaler\.nodeTemplates\.seed-workers-b/);
    expect(zero?.hint).not.toMatch(/ensureAutoDiscoveryTags/);
  });
});
