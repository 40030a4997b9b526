/**
 * A client set that "crashes" after the N-th successful mutating command: every later command
 * throws before it is sent, as if the process had died there. Implemented as SDK middleware added
 * (core's `withClientMiddleware`) to each client as the lazy getters make it, so the procedures under
 * test run unchanged.
 */
import { type AwsClients, withClientMiddleware } from '@eks-kit/core';

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

/** How the crash happens. */
export interface CrashOptions {
  /** Also lose the answer of the crashing call (it took effect, the caller sees an error). */
  loseResponse?: boolean;
}

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
  return { clients: wrap(clients, crashAfter, options, log), log };
}

function wrap(clients: AwsClients, crashAfter: number, options: CrashOptions, log: CrashLog): AwsClients {
  // One middleware on every client of the set (core's service table drives the getters it wraps).
  return withClientMiddleware(clients, {
    name: 'reliabilityCrashAfterN',
    step: 'initialize',
    priority: 'high',
    handler:
      ({ signingName }) =>
      (next, context) =>
      async (args) => {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        if (log.crashed) throw new SimulatedCrashError(`${signingName}:${operation}`);
        const out = await next(args);
        if (isMutatingOperation(operation)) {
          log.mutations.push(`${signingName}:${operation}`);
          if (log.mutations.length >= crashAfter) {
            log.crashed = true;
            // The call took effect in AWS, but the process died before it saw the answer.
            if (options.loseResponse)
              throw new SimulatedCrashError(`${signingName}:${operation} (response lost)`);
          }
        }
        return out;
      },
  });
}
