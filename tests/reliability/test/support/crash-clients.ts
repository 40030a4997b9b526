/**
 * A client set that "crashes" after the N-th successful mutating command: every later command
 * throws before it is sent, as if the process had died there. Implemented as SDK middleware added
 * to each client as the lazy getters make it, so the procedures under test run unchanged.
 */
import type { AwsClients } from '@eks-kit/core';

/** Command-name prefixes of AWS's mutating operations (the emulator's `mutating` flag agrees; a test checks it). */
export const MUTATING_PREFIXES: readonly string[] = [
  'Create',
  'Put',
  'Update',
  'Delete',
  'Tag',
  'Untag',
  'Attach',
  'Detach',
  'Set',
  'Request',
  'Change',
  'Add',
  'Remove',
  'Upload',
];

/** True when an operation name (`CreateRole`, `CreateRoleCommand`) mutates. */
export function isMutatingOperation(operation: string): boolean {
  const name = operation.replace(/Command$/, '');
  return MUTATING_PREFIXES.some((p) => name.startsWith(p));
}

/** Thrown by every command after the crash point. */
export class SimulatedCrashError extends Error {
  constructor(readonly operation: string) {
    super(`simulated crash: ${operation} not sent`);
    this.name = 'SimulatedCrashError';
  }
}

/** What a crashing client set records. */
export interface CrashLog {
  /** Mutating commands that succeeded, in order (`iam:CreateRole`). */
  readonly mutations: string[];
  /** True once the crash point was passed. */
  crashed: boolean;
}

interface Middlewared {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority?: 'high' | 'low' },
    ): void;
  };
}

/** How the crash happens. */
export interface CrashOptions {
  /** Also lose the answer of the crashing call (it took effect, the caller sees an error). */
  loseResponse?: boolean;
}

type Getter = (region?: string) => Promise<unknown>;
const GETTERS = ['iam', 'autoScaling', 'acm', 'route53', 'ecr', 'sts', 'eks', 'ec2', 'ssm', 'sns'] as const;
/** SigV4 signing names, as the emulator's call log names services. */
const SIGNING_NAMES: Record<(typeof GETTERS)[number], string> = {
  iam: 'iam',
  autoScaling: 'autoscaling',
  acm: 'acm',
  route53: 'route53',
  ecr: 'ecr',
  sts: 'sts',
  eks: 'eks',
  ec2: 'ec2',
  ssm: 'ssm',
  sns: 'sns',
};

/**
 * Wrap `clients` so that after `crashAfter` successful mutating commands every later command throws
 * {@link SimulatedCrashError}. `crashAfter: Infinity` only counts (a clean run). The middleware is
 * added to the underlying clients: give it a fresh client set and drop that set after the run.
 *
 * @example
 * ```ts
 * const { clients: crashing, log } = crashingClients(clients, 2);
 * await expect(ensureRole(crashing, spec)).rejects.toThrow();
 * log.mutations; // ['iam:CreateRole', 'iam:PutRolePolicy'] (service by its SigV4 signing name)
 * ```
 */
export function crashingClients(
  clients: AwsClients,
  crashAfter: number,
  options: CrashOptions = {},
  log: CrashLog = { mutations: [], crashed: false },
): { clients: AwsClients; log: CrashLog } {
  return { clients: wrap(clients, crashAfter, options, log, new WeakSet()), log };
}

function wrap(
  clients: AwsClients,
  crashAfter: number,
  options: CrashOptions,
  log: CrashLog,
  seen: WeakSet<object>,
): AwsClients {
  const instrument = (service: string, client: Middlewared): void => {
    if (seen.has(client)) return;
    seen.add(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        if (log.crashed) throw new SimulatedCrashError(`${service}:${operation}`);
        const out = await next(args);
        if (isMutatingOperation(operation)) {
          log.mutations.push(`${service}:${operation}`);
          if (log.mutations.length >= crashAfter) {
            log.crashed = true;
            // The call took effect in AWS, but the process died before it saw the answer.
            if (options.loseResponse)
              throw new SimulatedCrashError(`${service}:${operation} (response lost)`);
          }
        }
        return out;
      },
      { step: 'initialize', name: 'reliabilityCrashAfterN', priority: 'high' },
    );
  };
  const wrapped: Record<string, unknown> = {};
  for (const key of GETTERS) {
    const original = (clients[key] as Getter).bind(clients);
    wrapped[key] = async (region?: string) => {
      const client = (await original(region)) as Middlewared;
      instrument(SIGNING_NAMES[key], client);
      return client;
    };
  }
  return Object.assign(Object.create(clients) as AwsClients, wrapped, {
    withRegion: (region: string) => wrap(clients.withRegion(region), crashAfter, options, log, seen),
    // Assumed-role client sets (another account) crash with the same log.
    ...(clients.withCredentials
      ? {
          withCredentials: (credentials: Parameters<NonNullable<AwsClients['withCredentials']>>[0]) =>
            wrap(
              (clients.withCredentials as NonNullable<AwsClients['withCredentials']>)(credentials),
              crashAfter,
              options,
              log,
              seen,
            ),
        }
      : {}),
  });
}
