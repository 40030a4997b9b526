/** `eks-kit plan`: what apply would change, grouped by resource, `+ ~ -`, with a count line. */
import { changesToJson, EXIT_CODES, type Finding, renderChanges } from '@eks-kit/core';
import { type CertificateRegionsOptions, type LeftOrphan, planStack } from '@eks-kit/stack';
import type { CommandContext } from '../runtime/context.js';
import { withStack } from '../runtime/load.js';
import type { FileOption } from '../runtime/options.js';
import { checkRegionFlags, type RegionsOption, regionFlags, regionOptions } from '../runtime/regions.js';
import { findingsTable } from '../runtime/table.js';

/** Options of `eks-kit plan`. */
export interface PlanOptions extends FileOption, RegionsOption {
  detailedExitcode?: boolean;
  adopt?: boolean;
  /** `--prune`: plan as `apply --prune` runs (the orphans' deletions are changes). */
  prune?: boolean;
}

/**
 * Print the plan and what blocks parts of it (findings, e.g. IRSA without the cluster's IAM OIDC
 * provider). Exit 1 when a `fail` finding blocks the apply (it would stop there: do what the hint
 * says first); else, with `--detailed-exitcode`, exit 2 when there are changes (Terraform's convention).
 * It plans the apply of the same flags (issue 21): orphans (tagged for the stack, gone from the file)
 * are changes (`-`, counted, exit 2) only with `--prune`, as `apply --prune` deletes them; without it
 * apply leaves them, so plan lists them apart ("Left ...", `orphans` in --json) and they change no
 * count or exit code. `--all-regions` / `--regions a,b` (issue 21): the stack's certificates left in
 * those regions are orphans too; a region that cannot be searched is a `warn` finding
 * (`stack.orphans.region`), which changes no exit code.
 *
 * @example
 * ```sh
 * eks-kit plan --detailed-exitcode --json > plan.json
 * eks-kit plan --prune --all-regions   # as apply --prune --all-regions: the orphans' deletions too
 * ```
 */
export async function planCommand(ctx: CommandContext, options: PlanOptions): Promise<number> {
  checkRegionFlags(options); // --regions with --all-regions: exit 64 before the file
  return withStack(ctx, options, async ({ stack, clients }) => {
    const where = regionOptions(options, stack);
    const prune = options.prune === true;
    const { changes, findings, orphans } = await planStack(clients, stack, {
      ...where,
      adopt: options.adopt === true,
      prune,
      signal: ctx.signal,
      onEvent: (event) => ctx.out.progress(event),
    });
    const blocking = findings.filter((f) => f.status === 'fail');
    if (ctx.out.json)
      ctx.out.resultJson({
        stack: stack.name,
        prune,
        ...changesToJson(changes),
        orphans,
        findings,
        blocked: blocking.length > 0,
      });
    else {
      // "No changes. AWS matches the stack." would be false beside a blocker (e.g. a resource another
      // stack owns, or one made by hand that is not adopted) or beside orphans: say what holds instead.
      ctx.out.result(
        changes.length === 0 && blocking.length > 0
          ? 'No changes to make, but apply is blocked: AWS does not match the stack until the findings below are fixed.'
          : changes.length === 0 && orphans.length > 0
            ? 'No changes. AWS matches the stack file.'
            : renderChanges(changes, { color: ctx.out.color }),
      );
      if (orphans.length > 0) ctx.out.result(`\n${orphansText(orphans, prune, where)}`);
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

/**
 * The orphans an apply of the same flags would leave, apart from the changes (issue 21): without
 * `--prune` each resource and the command that deletes them; with it those `apply --prune` keeps, and why.
 *
 * @example
 * ```ts
 * orphansText([{ resource: 'ecr repository seed/app', reason: '...' }], false, {});
 * // 'Left (not in the file; `eks-kit apply --prune` deletes them):\n  ecr repository seed/app'
 * ```
 */
export function orphansText(
  orphans: readonly LeftOrphan[],
  prune: boolean,
  where: CertificateRegionsOptions,
): string {
  if (prune)
    return [
      'Kept by `eks-kit apply --prune` (not in the file, but not deleted):',
      ...orphans.map((o) => `  ${o.resource}: ${o.reason}`),
    ].join('\n');
  return [
    `Left (not in the file; \`eks-kit apply --prune${regionFlags(where)}\` deletes them):`,
    ...orphans.map((o) => `  ${o.resource}`),
  ].join('\n');
}
