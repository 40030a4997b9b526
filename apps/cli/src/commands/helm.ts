/** `eks-kit helm values|helmfile`: the Helm files of the stack, printed (render writes them). */
import { InvalidInputError } from '@eks-kit/core';
import { renderStack } from '@eks-kit/stack';
import { accountIdOf, checkAccountOption } from '../runtime/account.js';
import type { CommandContext } from '../runtime/context.js';
import { openStack } from '../runtime/load.js';

async function renderedFile(
  ctx: CommandContext,
  options: Record<string, unknown>,
  path: string,
): Promise<string> {
  checkAccountOption(options);
  const { stack, clients, finish } = await openStack(ctx, options);
  try {
    if (!stack.autoscaler)
      throw new InvalidInputError('autoscaler', undefined, 'an autoscaler section in the stack');
    const accountId = await accountIdOf(options, clients, ctx.signal);
    const file = renderStack(stack, { accountId }).find((f) => f.path === path);
    if (!file) throw new InvalidInputError('metricsServer', undefined, 'metricsServer enabled in the stack');
    return file.content;
  } finally {
    finish();
  }
}

/**
 * Print the values of one chart (`--chart cluster-autoscaler|metrics-server`).
 *
 * @example
 * ```sh
 * eks-kit helm values --chart metrics-server --account-id 123456789012
 * ```
 */
export async function helmValues(ctx: CommandContext, options: Record<string, unknown>): Promise<number> {
  const chart = String(options.chart ?? 'cluster-autoscaler');
  ctx.out.result(await renderedFile(ctx, options, `values/${chart}.yaml`));
  return 0;
}

/**
 * Print helmfile.yaml.
 *
 * @example
 * ```sh
 * eks-kit helm helmfile > helmfile.yaml
 * ```
 */
export async function helmHelmfile(ctx: CommandContext, options: Record<string, unknown>): Promise<number> {
  ctx.out.result(
    await renderedFile(ctx, { ...options, accountId: options.accountId ?? '000000000000' }, 'helmfile.yaml'),
  );
  return 0;
}
