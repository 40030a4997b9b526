/** `eks-kit helm values|helmfile`: the Helm files of the stack, printed (render writes them). */
import { InvalidInputError } from '@eks-kit/core';
import { renderStack } from '@eks-kit/stack';
import { accountIdOf, checkAccountOption } from '../runtime/account.js';
import type { CommandContext } from '../runtime/context.js';
import { printDocument } from '../runtime/document.js';
import { withStack } from '../runtime/load.js';
import type { AccountIdOption, FileOption, HelmChart } from '../runtime/options.js';

/** Options of `eks-kit helm values` (and `helm helmfile`, which has no `--chart`). */
export interface HelmValuesOptions extends FileOption, AccountIdOption {
  chart?: HelmChart;
}

async function renderedFile(ctx: CommandContext, options: HelmValuesOptions, path: string): Promise<string> {
  checkAccountOption(options);
  return withStack(ctx, options, async ({ stack, clients }) => {
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
  });
}

/**
 * Print the values of one chart (`--chart cluster-autoscaler|metrics-server`); with `--json`, the same
 * document as JSON.
 *
 * @example
 * ```sh
 * eks-kit helm values --chart metrics-server --account-id 123456789012
 * ```
 */
export async function helmValues(ctx: CommandContext, options: HelmValuesOptions): Promise<number> {
  const chart = options.chart ?? 'cluster-autoscaler';
  printDocument(ctx, await renderedFile(ctx, options, `values/${chart}.yaml`));
  return 0;
}

/**
 * Print helmfile.yaml; with `--json`, the same document as JSON.
 *
 * @example
 * ```sh
 * eks-kit helm helmfile > helmfile.yaml
 * eks-kit helm helmfile --json | jq -r '.releases[].chart'
 * ```
 */
export async function helmHelmfile(
  ctx: CommandContext,
  options: FileOption & AccountIdOption,
): Promise<number> {
  printDocument(
    ctx,
    await renderedFile(ctx, { ...options, accountId: options.accountId ?? '000000000000' }, 'helmfile.yaml'),
  );
  return 0;
}
