/**
 * `eks-kit plan` against an endpoint that cannot be reached fails fast (issue 21): one clear line
 * (the endpoint, the error, the hint) and a bounded number of connections, however many repositories
 * the stack has; a refusal that recovers within the retries still plans. Asserted on the connections
 * a server on 127.0.0.1 counts, never on time (bench/cases/unreachable.mjs prints the time to fail).
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import type { Emulator } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator } from './support/emulator.js';
import { makeWorkDir, runCli, writeStack } from './support/run-cli.js';
import { seedStack } from './support/targets.js';

/** A TCP server on 127.0.0.1 that counts connections and hands each to `onConnection`. */
async function countingServer(
  onConnection: (socket: Socket, n: number) => void,
): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    n++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket, n);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      }),
  };
}

/** The seed stack with `n` more repositories. */
function manyRepositories(n: number): string {
  const extra = Array.from({ length: n }, (_, i) => `  - name: seed/app${i}\n`).join('');
  return seedStack().stackText.replace('repositories:\n', `repositories:\n${extra}`);
}

describe('eks-kit plan against an endpoint that cannot be reached', () => {
  const home = makeWorkDir();
  const many = writeStack(home, 'many.yaml', manyRepositories(1000));

  it('a server that accepts and resets: one line, and a bounded number of connections for 1,000 repositories', async () => {
    const server = await countingServer((socket) => socket.resetAndDestroy());
    try {
      const run = await runCli(['plan', '-f', many, '--endpoint-url', server.url], home);
      expect(run.code, run.stderr).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^Error: cannot reach AWS at ${server.url.replace(/[.:/]/g, '\\$&')}: (connect|read|write) ECONNRESET`,
        ),
      );
      expect(lines[0]).toContain('hint: check the network or VPN, the endpoint (--endpoint-url');
      // Each read tried (with retries, paced by the quota buckets) was over 1,000 connections: a
      // first wave of reads in flight and their retries now, then nothing.
      expect(server.connections()).toBeGreaterThan(0);
      expect(server.connections()).toBeLessThanOrEqual(100);
    } finally {
      await server.close();
    }
  });

  it('nothing listening (ECONNREFUSED), --max-attempts 1: the same line', async () => {
    const probe = await countingServer(() => undefined);
    const url = probe.url;
    await probe.close();
    const run = await runCli(['plan', '-f', many, '--endpoint-url', url, '--max-attempts', '1'], home);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`Error: cannot reach AWS at ${url}: connect ECONNREFUSED`);
    expect(run.stderr).toContain('after 1 attempt;');
  });

  describe('a refusal that recovers within the retries', () => {
    let emu: Emulator;
    beforeAll(async () => {
      emu = await startTestEmulator(seedStack().world);
    });
    afterAll(async () => {
      await emu.stop();
    });

    it('the first connections reset, then the emulator: the plan succeeds', async () => {
      const target = new URL(emu.url);
      const proxy = await countingServer((socket, n) => {
        if (n <= 3) {
          socket.resetAndDestroy();
          return;
        }
        const upstream = connect(Number(target.port), target.hostname);
        upstream.on('error', () => socket.destroy());
        socket.pipe(upstream).pipe(socket);
      });
      try {
        const stack = writeStack(home, 'seed.yaml', seedStack().stackText);
        const run = await runCli(['plan', '-f', stack, '--endpoint-url', proxy.url], home);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toContain('seed');
        expect(proxy.connections()).toBeGreaterThan(3);
      } finally {
        await proxy.close();
      }
    });
  });
});
