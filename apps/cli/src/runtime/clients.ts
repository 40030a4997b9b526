/** AWS clients for a command, made from the global flags (no AWS call happens here). */
import { type AwsClients, createClients } from '@eks-kit/core';
import { cliCredentials } from './credentials.js';
import type { CheckedGlobals } from './global-options.js';

/**
 * Make lazy SDK clients for this run: region from --region, else the stack's, else the SDK chain.
 *
 * @example
 * ```ts
 * const clients = await clientsFor(globals, stack.cluster.region);
 * ```
 */
export async function clientsFor(
  globals: CheckedGlobals,
  fallbackRegion?: string,
  env: Record<string, string | undefined> = process.env,
): Promise<AwsClients> {
  const region = globals.region ?? fallbackRegion;
  const credentials = cliCredentials(globals.profile, env);
  const clients = await createClients({
    ...(region ? { region } : {}),
    ...(globals.profile ? { profile: globals.profile } : {}),
    credentials,
    ...(globals.endpointUrl ? { endpoint: globals.endpointUrl } : {}),
    ...(globals.maxAttempts ? { maxAttempts: globals.maxAttempts } : {}),
    ...(globals.retryMode ? { retryMode: globals.retryMode } : {}),
  });
  providers.set(clients, credentials);
  return clients;
}

/** The credentials provider each set of {@link clientsFor} signs with. */
const providers = new WeakMap<AwsClients, () => Promise<unknown>>();

/**
 * Resolve the credentials of clients made by {@link clientsFor} (no AWS call): a command that turns
 * each failed check into a finding (`check`) calls it first, so "no AWS credentials" is its one line
 * and exit 1, not a finding per check. Clients made elsewhere resolve nothing here.
 *
 * @example
 * ```ts
 * await resolveCredentials(clients); // throws EksKitError NoCredentials with its hint
 * ```
 */
export async function resolveCredentials(clients: AwsClients): Promise<void> {
  await providers.get(clients)?.();
}

/**
 * The `--verbose` report: AWS calls per operation, then the totals.
 *
 * @example
 * ```ts
 * out.notice(callReport(clients));
 * ```
 */
export function callReport(clients: AwsClients): string {
  const rows = clients.counter.snapshot();
  if (rows.length === 0) return 'AWS calls: none';
  const lines = rows.map(
    (r) =>
      `  ${`${r.service}:${r.operation}`.padEnd(48)} ${String(r.calls).padStart(4)} call(s)` +
      (r.attempts > r.calls
        ? `, ${r.attempts - r.calls} retr${r.attempts - r.calls === 1 ? 'y' : 'ies'}`
        : '') +
      (r.errors ? `, ${r.errors} failed` : ''),
  );
  const total = clients.counter.total();
  return [`AWS calls (${total.calls} in all, ${total.attempts} attempts):`, ...lines].join('\n');
}
