/**
 * `@eks-kit/aws-emulator/testing`: the one set-up every package test repeats, an emulator on
 * 127.0.0.1 with fast emulated time, and what a test needs to point real SDK clients at it. It
 * imports nothing of eks-kit (the emulator stays an independent witness of AWS): it returns plain
 * SDK client configuration, which a package's own test scaffolding may hand to `createClients`.
 */
import { type Emulator, startEmulator } from './emulator.js';
import type { CallFilter, CallRecord, EmulatorOptions } from './types.js';

/**
 * The static credentials of every test (the world's default identity answers to any key). Frozen: give
 * each client a copy (`{ ...TEST_CREDENTIALS }`), as the SDK marks the object it is given.
 */
export const TEST_CREDENTIALS: { readonly accessKeyId: string; readonly secretAccessKey: string } =
  Object.freeze({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

/** The region of the tests unless one asks for another. */
export const TEST_REGION = 'ap-northeast-1';

/** Options of {@link startTestEmulator}: the emulator's own, without where it listens. */
export interface TestEmulatorOptions extends Omit<EmulatorOptions, 'host' | 'port'> {
  /** Region of {@link TestEmulator.clientConfig} (default {@link TEST_REGION}). */
  region?: string;
  /** Retries the clients make (default 3: the SDK's standard retry of throttles and 5xx). */
  maxAttempts?: number;
}

/** What an SDK v3 client constructor (or core's `createClients`) takes to talk to the emulator. */
export interface TestClientConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

/** A started emulator and what a test needs of it. */
export interface TestEmulator {
  /** The emulator itself (seed, reset, faults, state). */
  readonly emulator: Emulator;
  /** Its URL, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** The call log (every call, or those the filter keeps). */
  calls(filter?: CallFilter): CallRecord[];
  /** The mutating calls so far, as `service:Operation` (what a second ensure* run must not make). */
  mutations(): string[];
  /** Client configuration; `accessKeyId` picks a seeded identity, `region`/`maxAttempts` override. */
  clientConfig(extra?: { region?: string; maxAttempts?: number; accessKeyId?: string }): TestClientConfig;
  /** Stop the emulator (close the clients made from it first). */
  stop(): Promise<void>;
}

/**
 * The mutating calls an emulator saw, as `service:Operation`: what the second run of an `ensure*`
 * must leave empty.
 *
 * @example
 * ```ts
 * emu.resetCalls();
 * await ensureRole(clients, spec);
 * expect(mutatingCalls(emu)).toEqual([]);
 * ```
 */
export function mutatingCalls(emulator: Emulator): string[] {
  return emulator.calls({ mutating: true }).map((c) => `${c.service}:${c.operation}`);
}

/**
 * Start an emulator on 127.0.0.1 (a free port) with emulated time 1000x faster (`speed`, unless
 * given), and return its endpoint, region, static credentials, call log and stop.
 *
 * @example
 * ```ts
 * import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
 * import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
 *
 * const env = await startTestEmulator({ seed: { accountId: '123456789012' } });
 * const iam = new IAMClient(env.clientConfig());
 * await iam.send(new ListRolesCommand({}));
 * env.mutations(); // []
 * iam.destroy();
 * await env.stop();
 * ```
 */
export async function startTestEmulator(options: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const { region = TEST_REGION, maxAttempts = 3, ...emulatorOptions } = options;
  const emulator = await startEmulator({ speed: 1000, ...emulatorOptions, host: '127.0.0.1', port: 0 });
  return {
    emulator,
    endpoint: emulator.url,
    region,
    credentials: { ...TEST_CREDENTIALS },
    calls: (filter) => emulator.calls(filter),
    mutations: () => mutatingCalls(emulator),
    clientConfig: (extra = {}) => ({
      region: extra.region ?? region,
      endpoint: emulator.url,
      credentials: { ...TEST_CREDENTIALS, ...(extra.accessKeyId ? { accessKeyId: extra.accessKeyId } : {}) },
      maxAttempts: extra.maxAttempts ?? maxAttempts,
    }),
    stop: () => emulator.stop(),
  };
}

/** A middleware that shows calls are in flight at once ({@link callGate}); SDK-shaped, so core's `createClients({ middleware })` takes it. */
export interface CallGate {
  /** Name on each client's middleware stack. */
  readonly name: string;
  /** The SDK middleware: holds a gated command until the gate opens. */
  handler(): <Args, Result>(
    next: (args: Args) => Promise<Result>,
    context: { commandName?: string },
  ) => (args: Args) => Promise<Result>;
  /** The gated operations that have arrived, in arrival order. */
  arrived(): string[];
}

/**
 * Holds each call of `operations` until `count` of them have arrived, then lets them all go: calls
 * sent one after another wait for each other forever (the test then fails by its timeout), so a test
 * shows concurrency by arrival, never by timings.
 *
 * @example
 * ```ts
 * const gate = callGate(['DescribeLaunchTemplateVersions'], 2);
 * const clients = await createClients({ ...test.clientConfig, middleware: [gate] });
 * await readNodeTemplates(clients, groups); // both reads in flight at once, or it never returns
 * expect(gate.arrived()).toHaveLength(2);
 * ```
 */
export function callGate(operations: readonly string[], count: number): CallGate {
  const arrived: string[] = [];
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    name: `testGate${operations.join('')}`,
    arrived: () => [...arrived],
    handler: () => (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (operations.includes(operation) && arrived.length < count) {
        arrived.push(operation);
        if (arrived.length === count) open();
        await opened;
      }
      return next(args);
    },
  };
}
