/**
 * Fail fast on an endpoint that cannot be reached (issue 21, `unreachable.ts`). Asserted on what the
 * servers on 127.0.0.1 saw (connections counted), never on time: a port with nothing listening, a
 * server that accepts and resets every connection, a proxy that resets the first ones and then
 * forwards to the emulator, and an HTTP server that answers 500.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestEmulator, type TestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AwsClients,
  type ClientOptions,
  connectionFailure,
  createClients,
  createQuotas,
  formatError,
  UnreachableEndpointError,
} from '../src/index.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };

/** A TCP server on 127.0.0.1 that counts connections and handles each with `onConnection`. */
async function countingServer(
  onConnection: (socket: import('node:net').Socket, n: number) => void,
): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const open = new Set<import('node:net').Socket>();
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

/** A port on 127.0.0.1 with nothing listening (bound, then closed). */
async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** `n` GetCallerIdentity calls at once; each answer or error. */
async function manyCalls(clients: AwsClients, n: number): Promise<Array<{ ok: boolean; error?: unknown }>> {
  const sts = await clients.sts();
  return Promise.all(
    Array.from({ length: n }, () =>
      sts.send(new GetCallerIdentityCommand({})).then(
        () => ({ ok: true }),
        (error: unknown) => ({ ok: false, error }),
      ),
    ),
  );
}

const base = (endpoint: string, extra: Partial<ClientOptions> = {}): ClientOptions => ({
  region: 'eu-west-1',
  endpoint,
  credentials: CREDENTIALS,
  ...extra,
});

describe('connectionFailure: which errors mean no connection was made', () => {
  const nodeError = (code: string, syscall: string, message: string) =>
    Object.assign(new Error(message), { code, syscall });
  it('refused, unknown host, DNS unavailable, no route: yes, whatever the syscall', () => {
    expect(
      connectionFailure(nodeError('ECONNREFUSED', 'connect', 'connect ECONNREFUSED 127.0.0.1:1')),
    ).toEqual({
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    });
    expect(
      connectionFailure(nodeError('ENOTFOUND', 'getaddrinfo', 'getaddrinfo ENOTFOUND x.invalid'))?.code,
    ).toBe('ENOTFOUND');
    expect(connectionFailure(nodeError('EAI_AGAIN', 'getaddrinfo', 'getaddrinfo EAI_AGAIN x'))?.code).toBe(
      'EAI_AGAIN',
    );
    expect(connectionFailure(nodeError('EHOSTUNREACH', 'connect', 'connect EHOSTUNREACH'))?.code).toBe(
      'EHOSTUNREACH',
    );
  });
  it('a reset of the socket, a timeout while connecting: yes; "socket hang up" (a reused keep-alive socket): no', () => {
    expect(connectionFailure(nodeError('ECONNRESET', 'connect', 'connect ECONNRESET'))?.code).toBe(
      'ECONNRESET',
    );
    expect(connectionFailure(nodeError('ETIMEDOUT', 'connect', 'connect ETIMEDOUT'))?.code).toBe('ETIMEDOUT');
    expect(connectionFailure(nodeError('ECONNRESET', 'read', 'read ECONNRESET'))?.code).toBe('ECONNRESET');
    expect(connectionFailure(nodeError('ETIMEDOUT', 'read', 'read ETIMEDOUT'))).toBeUndefined();
    expect(
      connectionFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    ).toBeUndefined();
  });
  it("the SDK's connect timeout: yes; throttling, a 5xx, access denied: no", () => {
    const connectTimeout = Object.assign(
      new Error(
        'the request socket did not establish a connection with the server within the configured timeout of 3100 ms.',
      ),
      { name: 'TimeoutError' },
    );
    expect(connectionFailure(connectTimeout)?.code).toBe('ConnectTimeout');
    expect(
      connectionFailure(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })),
    ).toBeUndefined();
    expect(
      connectionFailure(
        Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }),
      ),
    ).toBeUndefined();
    expect(connectionFailure(Object.assign(new Error('denied'), { name: 'AccessDenied' }))).toBeUndefined();
  });
  it('found through cause', () => {
    const inner = nodeError('ECONNREFUSED', 'connect', 'connect ECONNREFUSED 127.0.0.1:1');
    expect(connectionFailure(new Error('wrapped', { cause: inner }))?.code).toBe('ECONNREFUSED');
  });
});

describe('a client set fails fast on an endpoint that cannot be reached', () => {
  it('nothing listening: 200 calls fail with one clear error', async () => {
    const url = await refusingUrl();
    const clients = await createClients(base(url, { maxAttempts: 3 }));
    try {
      const results = await manyCalls(clients, 200);
      expect(results.every((r) => !r.ok)).toBe(true);
      const errors = results.map((r) => r.error);
      expect(errors.every((e) => e instanceof UnreachableEndpointError)).toBe(true);
      // One message for all: the endpoint, Node's error, and the hint.
      const lines = new Set(errors.map((e) => formatError(e)));
      expect(lines.size).toBe(1);
      const [line] = [...lines];
      expect(line).toContain(`cannot reach AWS at ${url}: connect ECONNREFUSED`);
      expect(line).toContain('check the network or VPN');
      expect(line).not.toContain('\n');
      const { calls, errors: failed } = clients.counter.total();
      expect(calls).toBe(200);
      expect(failed).toBe(200);
    } finally {
      clients.destroy();
    }
  });

  it('a server that accepts and resets: a bounded number of connections for 300 calls', async () => {
    const server = await countingServer((socket) => socket.resetAndDestroy());
    const clients = await createClients(base(server.url));
    try {
      const results = await manyCalls(clients, 300);
      expect(results.every((r) => r.error instanceof UnreachableEndpointError)).toBe(true);
      expect(formatError(results[299]?.error)).toContain(`cannot reach AWS at ${server.url}`);
      // 8 quota slots, each call at most 6 attempts: at most 48 (each call retrying: up to 1,800).
      expect(server.connections()).toBeGreaterThan(0);
      expect(server.connections()).toBeLessThanOrEqual(48);
      // The next call of the set is not sent at all.
      const before = server.connections();
      await expect((await clients.sts()).send(new GetCallerIdentityCommand({}))).rejects.toThrow(
        UnreachableEndpointError,
      );
      expect(server.connections()).toBe(before);
    } finally {
      clients.destroy();
      await server.close();
    }
  });

  it('calls waiting in a quota queue are not sent', async () => {
    const server = await countingServer((socket) => socket.resetAndDestroy());
    // STS at one call a second with a bucket of one: 50 calls would queue for a minute.
    const quotas = createQuotas({
      quotas: {
        sts: { scope: 'region', defaultRate: { ratePerSecond: 1, burst: 1 }, operations: {}, source: 'test' },
      },
    });
    const clients = await createClients(base(server.url, { maxAttempts: 2, quotas: { use: quotas } }));
    try {
      const results = await manyCalls(clients, 50);
      expect(results.every((r) => r.error instanceof UnreachableEndpointError)).toBe(true);
      // The first call's two attempts, and the call queued before its retry; the other 47 never left.
      expect(server.connections()).toBeLessThanOrEqual(3);
    } finally {
      clients.destroy();
      await server.close();
    }
  });

  it('another region`s and another credential`s sets of the family fail fast on the same endpoint', async () => {
    const server = await countingServer((socket) => socket.resetAndDestroy());
    const clients = await createClients(base(server.url, { maxAttempts: 1 }));
    try {
      await expect((await clients.sts()).send(new GetCallerIdentityCommand({}))).rejects.toThrow(
        UnreachableEndpointError,
      );
      const seen = server.connections();
      const other = clients.withCredentials?.({ accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' });
      await expect((await other?.sts())?.send(new GetCallerIdentityCommand({}))).rejects.toThrow(
        UnreachableEndpointError,
      );
      await expect(
        (await clients.withRegion('us-east-1').sts()).send(new GetCallerIdentityCommand({})),
      ).rejects.toThrow(UnreachableEndpointError);
      expect(server.connections()).toBe(seen);
    } finally {
      clients.destroy();
      await server.close();
    }
  });
});

describe('real transient errors keep their retries', () => {
  let env: TestEmulator;
  beforeAll(async () => {
    env = await startTestEmulator({ speed: 1 });
  });
  afterAll(async () => {
    await env.stop();
  });

  it('refused twice, then reachable: the calls succeed (the endpoint is not marked unreachable)', async () => {
    const target = new URL(env.endpoint);
    // Resets the first two connections, then forwards to the emulator.
    const proxy = await countingServer((socket, n) => {
      if (n <= 2) {
        socket.resetAndDestroy();
        return;
      }
      const upstream = connect(Number(target.port), target.hostname);
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    const clients = await createClients(base(proxy.url, { maxAttempts: 3 }));
    try {
      const sts = await clients.sts();
      const out = await sts.send(new GetCallerIdentityCommand({}));
      expect(out.Account).toMatch(/^\d{12}$/);
      expect(out.$metadata.attempts).toBe(3);
      // And the set goes on sending.
      const results = await manyCalls(clients, 20);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(proxy.connections()).toBeGreaterThanOrEqual(3);
    } finally {
      clients.destroy();
      await proxy.close();
    }
  });

  it('a 5xx burst spends the retry budget, then one reset: the endpoint is not marked, the next calls succeed (review of issue 21)', async () => {
    const target = new URL(env.endpoint);
    let mode: 'fail' | 'reset' | 'ok' = 'fail';
    const fiveHundreds: HttpServer = createHttpServer((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/xml', connection: 'close' });
      response.end(
        '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>',
      );
    });
    await new Promise<void>((resolve) => fiveHundreds.listen(0, '127.0.0.1', resolve));
    const failPort = (fiveHundreds.address() as AddressInfo).port;
    // 500s while `fail`, one reset, then the emulator.
    const proxy = await countingServer((socket) => {
      if (mode === 'reset') {
        mode = 'ok';
        socket.resetAndDestroy();
        return;
      }
      const upstream =
        mode === 'fail' ? connect(failPort, '127.0.0.1') : connect(Number(target.port), target.hostname);
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    const clients = await createClients(base(proxy.url, { quotas: false }));
    try {
      const burst = await manyCalls(clients, 12);
      expect(burst.every((r) => !r.ok && !(r.error instanceof UnreachableEndpointError))).toBe(true);
      mode = 'reset';
      const one = await manyCalls(clients, 1);
      // The budget is spent: the SDK does not retry the reset; this call fails (one clear line), and
      // the endpoint is not marked: the calls after it are sent.
      expect(one[0]?.ok).toBe(false);
      expect(String((one[0]?.error as Error | undefined)?.message)).not.toMatch(
        /the other calls to it were not sent/,
      );
      const after = await manyCalls(clients, 5);
      expect(after.every((r) => r.ok)).toBe(true);
    } finally {
      clients.destroy();
      await proxy.close();
      await new Promise<void>((resolve) => fiveHundreds.close(() => resolve()));
    }
  });

  it('a 5xx answer is retried as before and does not stop the other calls', async () => {
    let requests = 0;
    const server: HttpServer = createHttpServer((_request, response) => {
      requests++;
      response.writeHead(500, { 'content-type': 'text/xml' });
      response.end(
        '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const clients = await createClients(base(`http://127.0.0.1:${port}`, { maxAttempts: 3 }));
    try {
      const results = await manyCalls(clients, 4);
      expect(results.every((r) => !r.ok && !(r.error instanceof UnreachableEndpointError))).toBe(true);
      // Every call was sent and retried: 4 calls x 3 attempts.
      expect(requests).toBe(12);
    } finally {
      clients.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
