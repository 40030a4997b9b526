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
  return createClients({
    ...(region ? { region } : {}),
    ...(globals.profile ? { profile: globals.profile } : {}),
    credentials: cliCredentials(globals.profile, env),
    ...(globals.endpointUrl ? { endpoint: globals.endpointUrl } : {}),
    ...(globals.maxAttempts ? { maxAttempts: globals.maxAttempts } : {}),
    ...(globals.retryMode ? { retryMode: globals.retryMode } : {}),
  });
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
