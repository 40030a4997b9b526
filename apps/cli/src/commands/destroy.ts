/** `eks-kit destroy`: delete what the stack owns, and nothing else, in reverse dependency order. */
import { createInterface } from 'node:readline/promises';
import {
  changesToJson,
  EksKitError,
  EXIT_CODES,
  InvalidInputError,
  type ProgressEvent,
  renderChanges,
} from '@eks-kit/core';
import { type DestroyStackResult, destroyStack, planDestroy } from '@eks-kit/stack';
import type { CommandContext } from '../runtime/context.js';
import { withStack } from '../runtime/load.js';
import { type FileOption, optionValue } from '../runtime/options.js';
import { checkRegionFlags, type RegionsOption, regionOptions } from '../runtime/regions.js';

/** Options of `eks-kit destroy`. */
export interface DestroyOptions extends FileOption, RegionsOption {
  yes?: boolean;
  forceDeleteImages?: boolean;
}

/** How to look further, for the lines that say where destroy looked (issue 21). */
const LOOK_EVERYWHERE =
  'a certificate the stack made in another region is not seen: eks-kit destroy --all-regions looks in every region enabled for the account';

/** The lines naming the regions that could not be searched (nothing there was found or deleted). */
function failedRegionLines(result: DestroyStackResult): string[] {
  return result.failedRegions.map(
    (f) => `could not look for certificates in ${f.region}: ${f.message} (nothing there was deleted)`,
  );
}

/** The lines saying what was kept and why (one per resource, the flag that allows it when there is one). */
function keptLines(result: DestroyStackResult): string[] {
  return result.kept.map(
    (k) => `kept ${k.resource}: ${k.reason}${k.hint !== undefined ? ` (${k.hint})` : ''}`,
  );
}

/**
 * Destroy the stack: shows the plan, asks on a terminal unless `--yes` (refuses without `--yes` when
 * standard input is not a terminal), then deletes certificates (with the validation records no other
 * certificate needs), repositories, roles and the tags on worker groups (the groups stay). Never
 * touches a resource without the stack's tag. What must not be lost is kept with a line saying why
 * and which flag allows it (`--force-delete-images`); exit 1 while anything is kept that way. Roles and
 * repositories tagged for the stack that the file no longer names (applied without `--prune`) are the
 * stack's too: destroy deletes them. Certificates are looked for in the cluster's region and the file's;
 * `--all-regions` adds every region enabled for the account, `--regions a,b` the regions named (a
 * region that cannot be searched is named on standard error, and the exit code is 1). `--json` prints
 * `{ stack, deleted, kept, certificateRegions, failedRegions, notices, changes, counts }`.
 *
 * @example
 * ```sh
 * eks-kit destroy -f eks-kit.yaml --yes --json
 * eks-kit destroy -f eks-kit.yaml --yes --all-regions
 * ```
 */
export async function destroyCommand(ctx: CommandContext, options: DestroyOptions): Promise<number> {
  const yes = options.yes === true;
  if (!yes && !ctx.stdinIsTty)
    throw new InvalidInputError(
      '--yes',
      undefined,
      '--yes when standard input is not a terminal (destroy cannot ask)',
      {
        hint: 'review with eks-kit destroy on a terminal, then run eks-kit destroy --yes',
      },
    );
  if (options.regions !== undefined) optionValue(options.regions); // a bad list: exit 64 before the file
  checkRegionFlags(options);
  const allRegions = options.allRegions === true;
  return withStack(ctx, options, async ({ stack, clients }) => {
    const base = {
      forceDeleteImages: options.forceDeleteImages === true,
      ...regionOptions(options, stack),
      signal: ctx.signal,
      onEvent: (event: ProgressEvent) => ctx.out.progress(event),
    };
    if (!yes) {
      const plan = await planDestroy(clients, stack, base);
      if (plan.changes.length > 0 && !(await confirm(ctx, plan)))
        throw new EksKitError('Cancelled', 'destroy cancelled: nothing was deleted');
    }
    const result = await destroyStack(clients, stack, { ...base, yes: true });
    if (ctx.out.json) {
      ctx.out.resultJson({
        stack: stack.name,
        deleted: result.deleted,
        kept: result.kept,
        certificateRegions: result.certificateRegions,
        failedRegions: result.failedRegions,
        notices: result.notices.map((n) => ({
          check: n.check,
          resource: n.resource,
          message: n.message,
          ...(n.hint ? { hint: n.hint } : {}),
        })),
        ...changesToJson(result.changes),
      });
    } else {
      // Where destroy looked for certificates, and how to look everywhere (issue 21).
      const looked = `certificates looked for in ${result.certificateRegions.join(', ')}`;
      ctx.out.result(
        result.changes.length > 0
          ? renderChanges(result.changes, { color: ctx.out.color, verb: 'Destroyed' })
          : result.kept.length > 0
            ? `Nothing destroyed: what AWS holds of stack ${stack.name} is kept (below).`
            : `Nothing to destroy: no resource of stack ${stack.name} found (${looked}${allRegions ? '' : `; ${LOOK_EVERYWHERE}`}).`,
      );
      for (const line of keptLines(result)) ctx.out.error(line);
      for (const line of failedRegionLines(result)) ctx.out.error(line);
      // A scan that read each resource's tags on its own (a missing read permission): the same result.
      for (const n of result.notices)
        ctx.out.error(`warning: ${n.resource}: ${n.message}${n.hint ? ` (${n.hint})` : ''}`);
      if ((result.changes.length > 0 || result.kept.length > 0) && !allRegions)
        ctx.out.notice(`${looked[0]?.toUpperCase()}${looked.slice(1)}; ${LOOK_EVERYWHERE}.`);
    }
    const failed = result.failedRegions.length > 0 || result.kept.some((k) => k.because === 'refused');
    return failed ? EXIT_CODES.failure : EXIT_CODES.ok;
  });
}
async function confirm(ctx: CommandContext, plan: DestroyStackResult): Promise<boolean> {
  ctx.out.error(renderChanges(plan.changes, { color: ctx.out.color }));
  for (const line of keptLines(plan)) ctx.out.error(line);
  for (const line of failedRegionLines(plan)) ctx.out.error(line);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('\nDelete these resources? Only "yes" is accepted: ', {
      signal: ctx.signal,
    });
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}
