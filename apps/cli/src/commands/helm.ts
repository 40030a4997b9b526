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
    // The section must be there before any AWS call (the account id may come from STS).
    const hasAutoscaler = stack.autoscaler !== undefined;
    const hasMetrics = stack.metricsServer !== undefined && stack.metricsServer.enabled !== false;
    const section =
      path === 'values/cluster-autoscaler.yaml'
        ? hasAutoscaler || 'autoscaler'
        : path === 'values/metrics-server.yaml'
          ? hasMetrics || 'metricsServer'
          : hasAutoscaler || hasMetrics || 'autoscaler or metricsServer';
    if (section !== true)
      throw new InvalidInputError(section, undefined, `an enabled ${section} section in the stack`);
    const accountId = await accountIdOf(options, clients, ctx.signal);
    const file = renderStack(stack, { accountId }).find((f) => f.path === path);
    if (!file) throw new InvalidInputError('stack', path, 'a stack that renders this file');
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
