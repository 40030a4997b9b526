/** Load the stack named by -f and make clients for its region (all input checked before AWS). */
import type { AwsClients } from '@eks-kit/core';
import { loadStack, type Stack } from '@eks-kit/stack';
import { callReport, clientsFor } from './clients.js';
import { type CommandContext, stackRegion } from './context.js';

/**
 * The stack of `-f` and lazy clients in its region; the caller must `finish()` to print the
 * --verbose report and close sockets.
 *
 * @example
 * ```ts
 * const { stack, clients, finish } = await openStack(ctx, options);
 * try { ... } finally { finish(); }
 * ```
 */
export async function openStack(
  ctx: CommandContext,
  options: Record<string, unknown>,
): Promise<{ stack: Stack; clients: AwsClients; finish(): void }> {
  const stack = await loadStack(String(options.file ?? 'eks-kit.yaml'));
  const region = stackRegion(ctx.globals, stack.cluster.region);
  const clients = await clientsFor(ctx.globals, region);
  return {
    stack,
    clients,
    finish() {
      if (ctx.globals.verbose) ctx.out.error(callReport(clients));
      clients.destroy();
    },
  };
}
