/** `eks-kit plan`: what apply would change, grouped by resource, `+ ~ -`, with a count line. */
import { changesToJson, renderChanges } from '@eks-kit/core';
import { planStack } from '@eks-kit/stack';
import type { CommandContext } from '../runtime/context.js';
import { openStack } from '../runtime/load.js';

/**
 * Print the plan; with `--detailed-exitcode`, exit 2 when there are changes (Terraform's convention).
 *
 * @example
 * ```sh
 * eks-kit plan --detailed-exitcode --json > plan.json
 * ```
 */
export async function planCommand(ctx: CommandContext, options: Record<string, unknown>): Promise<number> {
  const { stack, clients, finish } = await openStack(ctx, options);
  try {
    const { changes } = await planStack(clients, stack, {
      signal: ctx.signal,
      onEvent: (event) => ctx.out.progress(event),
    });
    if (ctx.out.json) ctx.out.resultJson({ stack: stack.name, ...changesToJson(changes) });
    else ctx.out.result(renderChanges(changes, { color: ctx.out.color }));
    return options.detailedExitcode === true && changes.length > 0 ? 2 : 0;
  } finally {
    finish();
  }
}
