/** `eks-kit plan`: what apply would change, grouped by resource, `+ ~ -`, with a count line. */
import { changesToJson, EXIT_CODES, type Finding, renderChanges } from '@eks-kit/core';
import { planStack } from '@eks-kit/stack';
import type { CommandContext } from '../runtime/context.js';
import { withStack } from '../runtime/load.js';
import type { FileOption } from '../runtime/options.js';
import { checkRegionFlags, type RegionsOption, regionOptions } from '../runtime/regions.js';
import { findingsTable } from '../runtime/table.js';

/** Options of `eks-kit plan`. */
export interface PlanOptions extends FileOption, RegionsOption {
  detailedExitcode?: boolean;
  adopt?: boolean;
}

/**
 * Print the plan and what blocks parts of it (findings, e.g. IRSA without the cluster's IAM OIDC
 * provider). Exit 1 when a `fail` finding blocks the apply (it would stop there: do what the hint
 * says first); else, with `--detailed-exitcode`, exit 2 when there are changes (Terraform's convention).
 * `--all-regions` / `--regions a,b` (issue 21): the stack's certificates left in those regions are
 * orphans too (`-`); a region that cannot be searched is a `warn` finding (`stack.orphans.region`),
 * which changes no exit code.
 *
 * @example
 * ```sh
 * eks-kit plan --detailed-exitcode --json > plan.json
 * eks-kit plan --all-regions   # also the certificates left in regions the file no longer names
 * ```
 */
export async function planCommand(ctx: CommandContext, options: PlanOptions): Promise<number> {
  checkRegionFlags(options); // --regions with --all-regions: exit 64 before the file
  return withStack(ctx, options, async ({ stack, clients }) => {
    const { changes, findings } = await planStack(clients, stack, {
      ...regionOptions(options, stack),
      adopt: options.adopt === true,
      signal: ctx.signal,
      onEvent: (event) => ctx.out.progress(event),
    });
    const blocking = findings.filter((f) => f.status === 'fail');
    if (ctx.out.json)
      ctx.out.resultJson({
        stack: stack.name,
        ...changesToJson(changes),
        findings,
        blocked: blocking.length > 0,
      });
    else {
      // "No changes. AWS matches the stack." would be false beside a blocker (e.g. a resource another
      // stack owns, or one made by hand that is not adopted): say what holds instead.
      ctx.out.result(
        changes.length === 0 && blocking.length > 0
          ? 'No changes to make, but apply is blocked: AWS does not match the stack until the findings below are fixed.'
          : renderChanges(changes, { color: ctx.out.color }),
      );
      if (findings.length > 0) ctx.out.result(`\n${findingsTable(findings, ctx.out.paint)}`);
    }
    if (blocking.length > 0) {
      ctx.out.error(blockedMessage(blocking));
      return 1;
    }
    return options.detailedExitcode === true && changes.length > 0 ? EXIT_CODES.changes : EXIT_CODES.ok;
  });
}

/**
 * What to do before apply can run, one line per blocking finding.
 *
 * @example
 * ```ts
 * blockedMessage(plan.findings.filter((f) => f.status === 'fail'));
 * // 'Apply is blocked: do this first, then run eks-kit plan again:\n  - autoscaler.oidc-provider: IAM has no OIDC provider ...\n    create the cluster's IAM OIDC provider: eksctl ...'
 * ```
 */
export function blockedMessage(blocking: readonly Finding[]): string {
  const lines = blocking.map((f) => `  - ${f.check}: ${f.message}${f.hint ? `\n    ${f.hint}` : ''}`);
  return `Apply is blocked: do this first, then run eks-kit plan again:\n${lines.join('\n')}`;
}
