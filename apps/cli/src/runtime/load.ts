/** Load the stack named by -f and make clients for its region (all input checked before AWS). */
import { type AwsClients, InvalidInputError, resolveRegion } from '@eks-kit/core';
import { loadStack, type Stack } from '@eks-kit/stack';
import { callReport, clientsFor } from './clients.js';
import { type CommandContext, stackRegion } from './context.js';

/**
 * The stack of `-f`. Its region is `cluster.region`; a file without one takes --region, else
 * AWS_REGION, AWS_DEFAULT_REGION or the profile's region (the order of the global help). When the file
 * names a region, --region must agree (a stack describes one cluster in one region).
 *
 * @example
 * ```ts
 * const stack = await readStack(ctx, options);
 * ```
 */
export async function readStack(ctx: CommandContext, options: Record<string, unknown>): Promise<Stack> {
  const file = String(options.file ?? 'eks-kit.yaml');
  const defaultRegion =
    ctx.globals.region ??
    (await resolveRegion({
      ...(ctx.globals.profile ? { profile: ctx.globals.profile } : {}),
      env: ctx.env,
    }).catch(() => undefined));
  try {
    const stack = await loadStack(file, { fileField: '-f', ...(defaultRegion ? { defaultRegion } : {}) });
    stackRegion(ctx.globals, stack.cluster.region);
    return stack;
  } catch (error) {
    if (error instanceof InvalidInputError && error.field === 'cluster.region' && error.value === undefined)
      throw new InvalidInputError(error.field, undefined, error.expected, {
        ...(error.location ? { location: error.location } : {}),
        hint: 'set cluster.region in the stack file, or pass --region, or set AWS_REGION',
      });
    throw error;
  }
}

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
  const stack = await readStack(ctx, options);
  const clients = await clientsFor(ctx.globals, stack.cluster.region, ctx.env);
  return {
    stack,
    clients,
    finish() {
      if (ctx.globals.verbose) ctx.out.error(callReport(clients));
      clients.destroy();
    },
  };
}
