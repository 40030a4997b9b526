import { type AwsClients, finding } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { type CheckTask, runCheckTasks } from '../src/index.js';

// The runner never touches the clients itself: the tasks below ignore them.
const clients = {} as AwsClients;

const ok = (name: string): CheckTask => ({
  name,
  resource: name,
  run: async () => [finding(name, name, 'ok', 'fine')],
});

describe('runCheckTasks', () => {
  it('keeps the order of the tasks and their findings', async () => {
    const runs = await runCheckTasks(clients, [ok('a'), ok('b'), ok('c')], { concurrency: 2 });
    expect(runs.map((r) => [r.name, r.outcome, r.findings.length])).toEqual([
      ['a', 'completed', 1],
      ['b', 'completed', 1],
      ['c', 'completed', 1],
    ]);
  });

  it('turns a throwing check into one fail finding naming it and the error; the others still report', async () => {
    const boom: CheckTask = {
      name: 'autoscaler.setup',
      resource: 'cluster prod',
      run: async () => {
        throw new Error('DescribeAutoScalingGroups exploded');
      },
    };
    const runs = await runCheckTasks(clients, [ok('before'), boom, ok('after')]);
    expect(runs.map((r) => r.outcome)).toEqual(['completed', 'threw', 'completed']);
    expect(runs[1]?.findings).toEqual([
      expect.objectContaining({
        check: 'autoscaler.setup',
        resource: 'cluster prod',
        status: 'fail',
        message: 'check autoscaler.setup failed: DescribeAutoScalingGroups exploded',
      }),
    ]);
  });

  it('also isolates a check that throws synchronously', async () => {
    const sync: CheckTask = {
      name: 'sync',
      resource: 'x',
      run: () => {
        throw new TypeError('not a function');
      },
    };
    const [run] = await runCheckTasks(clients, [sync]);
    expect(run?.outcome).toBe('threw');
    expect(run?.findings[0]?.message).toContain('TypeError: not a function');
  });

  it('stops waiting for a check past its timeout, aborts its signal and reports it as failed', async () => {
    let aborted = false;
    const hang: CheckTask = {
      name: 'slow',
      resource: 'x',
      run: (_c, signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    };
    const runs = await runCheckTasks(clients, [hang, ok('fast')], { timeoutMs: 20 });
    expect(runs[0]).toMatchObject({ name: 'slow', outcome: 'timed-out' });
    expect(runs[0]?.findings[0]).toMatchObject({
      check: 'slow',
      status: 'fail',
      message: 'check slow did not finish within 20 ms',
    });
    expect(aborted).toBe(true);
    expect(runs[1]?.outcome).toBe('completed');
  });

  it('reports checks not finished when the outer signal aborts (the function deadline) as stopped', async () => {
    const outer = new AbortController();
    const started: string[] = [];
    const waits = (name: string): CheckTask => ({
      name,
      resource: name,
      run: (_c, signal) => {
        started.push(name);
        if (name === 'first') setImmediate(() => outer.abort(new Error('deadline')));
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      },
    });
    const runs = await runCheckTasks(clients, [waits('first'), waits('second')], {
      concurrency: 1,
      signal: outer.signal,
    });
    expect(runs.map((r) => [r.name, r.outcome, r.findings[0]?.message])).toEqual([
      ['first', 'timed-out', 'check first was stopped before it finished'],
      ['second', 'timed-out', 'check second was stopped before it finished'],
    ]);
    expect(started).toEqual(['first']);
  });

  it('runs at most `concurrency` checks at once', async () => {
    let running = 0;
    let peak = 0;
    const counted = (name: string): CheckTask => ({
      name,
      resource: name,
      run: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
        return [];
      },
    });
    await runCheckTasks(
      clients,
      Array.from({ length: 9 }, (_, i) => counted(`c${i}`)),
      { concurrency: 3 },
    );
    expect(peak).toBe(3);
  });

  it('never puts a credential from an error message into the finding', async () => {
    const leaky: CheckTask = {
      name: 'leaky',
      resource: 'x',
      run: async () => {
        throw new Error('bad key AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
      },
    };
    const [run] = await runCheckTasks(clients, [leaky]);
    const text = JSON.stringify(run?.findings);
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).not.toContain('wJalrXUtnFEMI');
    expect(text).toContain('[redacted]');
  });
});
