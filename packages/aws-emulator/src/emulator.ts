/**
 * `startEmulator`: the HTTP server on 127.0.0.1 and the library handle around the runtime.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDnsServer } from './dns/dns-server.js';
import { control } from './framework/control.js';
import { dispatch } from './framework/dispatch.js';
import { validateFaultRules } from './framework/faults.js';
import { createRuntime } from './framework/runtime.js';
import type { HttpRequest, HttpResponse } from './framework/service.js';
import { services } from './services/index.js';
import type { Behaviour, CallFilter, CallRecord, EmulatorOptions, FaultRule, World } from './types.js';

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`: give it to SDK clients as `endpoint`. */
  readonly url: string;
  readonly port: number;
  /** Port of the DNS server (UDP and TCP) when started with `dns`. */
  readonly dnsPort: number | undefined;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
  /** The call log, optionally filtered. */
  calls(filter?: CallFilter): CallRecord[];
  /** Empties the call log. */
  resetCalls(): void;
  /** Replaces the fault rules. */
  setFaults(rules: FaultRule[]): void;
  /** Replaces all state with a fresh one built from `world` (the call log is kept). */
  seed(world: World): void;
  /** Back to the last seeded world; clears the call log, faults and rate quotas. */
  reset(): void;
  /** Per-service state by signing name (live objects: tests may read or adjust them). */
  readonly state: Record<string, unknown>;
  /** Per-service state of one account of the world (the default or one of `world.accounts`); undefined for others. */
  accountState(accountId: string): Record<string, unknown> | undefined;
  /** Behaviour knobs (live: assign to change delays while running). */
  readonly behaviour: Behaviour;
  /** Jumps emulated time forward by `seconds`. */
  advanceClock(seconds: number): void;
  /** Emulated now, epoch ms. */
  now(): number;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toHttpRequest(req: IncomingMessage, body: Buffer): HttpRequest {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers))
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  let path = url.pathname;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    // keep the raw path
  }
  return { method: req.method ?? 'GET', path, rawPath: url.pathname, query: url.searchParams, headers, body };
}

function send(res: ServerResponse, response: HttpResponse): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  res.end(body);
}

/**
 * Starts the emulator on 127.0.0.1 (port 0 picks a free port).
 * @example
 * const emu = await startEmulator({ port: 0, speed: 1000, seed: { accountId: '123456789012' } });
 * const sts = new STSClient({ region: 'us-east-1', endpoint: emu.url, credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
 * await emu.stop();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  let initialWorld: World = options.seed ?? {};
  const runtime = createRuntime({
    modules: [
      ...services.filter((s) => !options.extraServices?.some((e) => e.signingName === s.signingName)),
      ...(options.extraServices ?? []),
    ],
    speed: options.speed ?? 1,
    world: initialWorld,
    behaviour: options.behaviour ?? {},
    randomSeed: options.randomSeed ?? 1,
    ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
  });
  runtime.faults.set(validateFaultRules(options.faults ?? []));
  const seed = (world: World): void => {
    runtime.seed(world);
    initialWorld = world;
  };
  const reset = (): void => {
    runtime.seed(initialWorld);
    runtime.log.clear();
    runtime.faults.set([]);
  };

  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const request = toHttpRequest(req, body);
        const response = request.path.startsWith('/_emulator/')
          ? control(runtime, { reset, seed }, request)
          : await dispatch(runtime, request);
        send(res, response);
      })
      .catch((err: unknown) => {
        process.stderr.write(`aws-emulator: ${(err as Error)?.stack ?? err}\n`);
        if (!res.headersSent) send(res, { status: 500, headers: {}, body: 'internal emulator error' });
        else res.destroy();
      });
  });
  // Longer than SDK idle sockets live, so a reused socket is never closed under a request; stop() closes all.
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const dns = options.dns
    ? await startDnsServer(runtime, host, typeof options.dns === 'object' ? (options.dns.port ?? 0) : 0)
    : undefined;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let stopped: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    dnsPort: dns?.port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => dns?.close());
      return stopped;
    },
    calls: (filter) => runtime.log.list(filter),
    resetCalls: () => runtime.log.clear(),
    setFaults: (rules) => runtime.faults.set(rules),
    seed,
    reset,
    get state() {
      return Object.fromEntries(runtime.states);
    },
    accountState(accountId) {
      const map = accountId === runtime.accountId ? runtime.states : runtime.accountStates.get(accountId);
      return map ? Object.fromEntries(map) : undefined;
    },
    behaviour: runtime.behaviour,
    advanceClock: (seconds) => runtime.clock.advance(seconds * 1000),
    now: () => runtime.clock.now(),
  };
}
