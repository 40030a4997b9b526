/**
 * Issue 21: a token bucket must not keep its last caller's async context (an AsyncLocalStorage store,
 * such as a run's shared reads holding every response) alive once its queue has settled. Checked in a
 * child process with --expose-gc: a store made unreachable is collected (a WeakRef says so), for the
 * quota buckets (one per principal, kept for the life of the process) and for createRateLimiter.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = new URL('../dist/index.js', import.meta.url).href;

const CHILD = `
import { AsyncLocalStorage } from 'node:async_hooks';
const { createQuotas, createRateLimiter } = await import(process.env.CORE);
const als = new AsyncLocalStorage();
const quotas = createQuotas({ quotas: { iam: { scope: 'account', defaultRate: { ratePerSecond: 1000, burst: 1000 }, operations: {} } } });
const limiter = createRateLimiter({ ratePerSecond: 1000 });
const refs = [];
for (let i = 0; i < 20; i++) {
  // A run's store with a big memo, as shared reads keep; one principal per run (an assumed role).
  const store = { memo: new Array(100_000).fill(i) };
  refs.push(new WeakRef(store));
  await als.run(store, async () => {
    const release = await quotas.acquire('iam', 'us-east-1', 'ListRoles', undefined, 'ASIA' + i);
    release();
    await limiter.acquire();
  });
}
await new Promise((r) => setTimeout(r, 10));
globalThis.gc();
await new Promise((r) => setTimeout(r, 10));
globalThis.gc();
process.stdout.write(JSON.stringify({ alive: refs.filter((r) => r.deref() !== undefined).length, which: refs.map((r, i) => r.deref() ? i : -1).filter((i) => i >= 0) }));
`;

describe('token buckets and async context', () => {
  it('keep no settled caller context alive (the run stores are collected)', async () => {
    const { stdout } = await run(process.execPath, ['--expose-gc', '--input-type=module', '-e', CHILD], {
      env: { ...process.env, CORE: dist },
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    // Before the fix all 20 stores stayed alive (each bucket's last promise held its run's store); at
    // most the last run's store may still be referenced by the runtime's current async resource.
    const { alive } = JSON.parse(stdout) as { alive: number };
    expect(alive).toBeLessThanOrEqual(1);
  });
});
