/** Load the stack named by -f and make clients for its region (all input checked before AWS). */
import { type AwsClients, InvalidInputError, resolveRegion } from '@eks-kit/core';
import { loadStack, type Stack } from '@eks-kit/stack';
import { callReport, clientsFor } from './clients.js';
import { type CommandContext, stackRegion } from './context.js';
import type { FileOption } from './options.js';

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
export async function readStack(ctx: CommandContext, options: FileOption): Promise<Stack> {
  const file = options.file ?? 'eks-kit.yaml';
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

/** A stack command's stack and its clients, while {@link withStack} runs. */
export interface OpenedStack {
  stack: Stack;
  clients: AwsClients;
}

/**
 * Run `work` with lazy clients in `region`, then (whatever happens) print the --verbose call report
 * and close the clients' sockets: the one copy of every command's open-then-finish.
 *
 * @example
 * ```ts
 * const accountId = await withClients(ctx, region, async (clients) => (await describeAccount(clients)).accountId);
 * ```
 */
export async function withClients<T>(
  ctx: CommandContext,
  region: string,
  work: (clients: AwsClients) => Promise<T>,
): Promise<T> {
  const clients = await clientsFor(ctx.globals, region, ctx.env);
  try {
    return await work(clients);
  } finally {
    if (ctx.globals.verbose) ctx.out.error(callReport(clients));
    clients.destroy();
  }
}

/**
 * Read the stack of `-f`, then run `work` with it and lazy clients in its region ({@link withClients}:
 * the --verbose report is printed and the sockets closed afterwards, also on error or Ctrl-C).
 *
 * @example
 * ```ts
 * return withStack(ctx, options, async ({ stack, clients }) => {
 *   printFindings(ctx, await checkStack(clients, stack), stack.name);
 *   return EXIT_CODES.ok;
 * });
 * ```
 */
export async function withStack<T>(
  ctx: CommandContext,
  options: FileOption,
  work: (opened: OpenedStack) => Promise<T>,
): Promise<T> {
  const stack = await readStack(ctx, options);
  return withClients(ctx, stack.cluster.region, (clients) => work({ stack, clients }));
}
