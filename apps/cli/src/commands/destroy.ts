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
import {
  type DestroyStackResult,
  destroyCertificateRegions,
  destroyStack,
  planDestroy,
} from '@eks-kit/stack';
import type { CommandContext } from '../runtime/context.js';
import { withStack } from '../runtime/load.js';
import type { FileOption } from '../runtime/options.js';

/** Options of `eks-kit destroy`. */
export interface DestroyOptions extends FileOption {
  yes?: boolean;
  forceDeleteImages?: boolean;
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
 * stack's too: destroy deletes them. `--json` prints `{ stack, deleted, kept, changes, counts }`.
 *
 * @example
 * ```sh
 * eks-kit destroy -f eks-kit.yaml --yes --json
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
  return withStack(ctx, options, async ({ stack, clients }) => {
    const base = {
      forceDeleteImages: options.forceDeleteImages === true,
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
        ...changesToJson(result.changes),
      });
    } else {
      ctx.out.result(
        result.changes.length > 0
          ? renderChanges(result.changes, { color: ctx.out.color, verb: 'Destroyed' })
          : result.kept.length > 0
            ? `Nothing destroyed: what AWS holds of stack ${stack.name} is kept (below).`
            : // Where destroy looked (certificates: the cluster's region and the file's; a certificate of
              // the stack left in another region by an apply without --prune is not seen, review of issue 21).
              `Nothing to destroy: no resource of stack ${stack.name} found (certificates looked for in ${destroyCertificateRegions(stack).join(', ')}).`,
      );
      for (const line of keptLines(result)) ctx.out.error(line);
    }
    return result.kept.some((k) => k.because === 'refused') ? EXIT_CODES.failure : EXIT_CODES.ok;
  });
}

async function confirm(ctx: CommandContext, plan: DestroyStackResult): Promise<boolean> {
  ctx.out.error(renderChanges(plan.changes, { color: ctx.out.color }));
  for (const line of keptLines(plan)) ctx.out.error(line);
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
