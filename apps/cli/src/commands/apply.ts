/** `eks-kit apply`: make AWS match the stack, in dependency order, then wait for certificates. */
import { createInterface } from 'node:readline/promises';
import {
  type Change,
  changesToJson,
  EksKitError,
  type Finding,
  formatError,
  InvalidInputError,
  renderChanges,
} from '@eks-kit/core';
import { applyStack, changesBefore } from '@eks-kit/stack';
import type { CommandContext } from '../runtime/context.js';
import { withStack } from '../runtime/load.js';
import { type FileOption, optionValue, type TimeoutOption } from '../runtime/options.js';
import { checkRegionFlags, type RegionsOption, regionFlags, regionOptions } from '../runtime/regions.js';
import { findingsTable } from '../runtime/table.js';

/** Options of `eks-kit apply`. */
export interface ApplyOptions extends FileOption, TimeoutOption, RegionsOption {
  yes?: boolean;
  adopt?: boolean;
  prune?: boolean;
  /** `--no-wait` sets it to false. */
  wait?: boolean;
}

/**
 * Apply the stack: asks on a terminal unless `--yes`; refuses without `--yes` when standard input
 * is not a terminal; waits for certificates unless `--no-wait`. A stack the plan shows as blocked
 * (a `fail` finding, e.g. IRSA without the cluster's IAM OIDC provider) is refused before any
 * change and before asking: `applyStack` throws `ApplyBlocked`, printed as one `Error:` line with
 * the finding's hint, exit 1. Resources made by hand are taken over only with `--adopt` or
 * `adopt: true` in the stack file; another stack's resources block the apply. When AWS refuses a
 * write half-way, what was already changed is printed before the error. `--all-regions` /
 * `--regions a,b` (issue 21): the stack's certificates left in those regions are orphans too, deleted
 * with `--prune` (asked about first), else named on stderr as left; a region that cannot be searched
 * is a `warning:` line (and a `stack.orphans.region` finding), exit code unchanged.
 *
 * @example
 * ```sh
 * eks-kit apply -f eks-kit.yaml --yes --no-wait
 * eks-kit apply --prune --all-regions   # also delete the certificates left in other regions
 * ```
 */
export async function applyCommand(ctx: CommandContext, options: ApplyOptions): Promise<number> {
  try {
    return await applyOrThrow(ctx, options);
  } catch (error) {
    // --json: every outcome is one JSON document on stdout, a refused or failed apply included
    // (the one `Error:` line and the exit code still follow, from the program).
    if (ctx.out.json) ctx.out.resultJson(applyErrorJson(error));
    throw error;
  }
}

/** The JSON outcome `apply --json` prints when it stops with an error. */
export interface ApplyErrorJson {
  outcome: 'blocked' | 'cancelled' | 'invalid-input' | 'failed';
  /** `false`: refused before any change; `unknown`: it failed part-way (a rerun converges). */
  changed: false | 'unknown';
  error: { code: string; message: string; hint?: string };
}

/**
 * The JSON document of an apply that did not complete: `outcome` `blocked` (ApplyBlocked: nothing
 * was changed), `cancelled`, `invalid-input` or `failed`, with the error's code, message and hint.
 *
 * @example
 * ```ts
 * applyErrorJson(new EksKitError('ApplyBlocked', 'apply blocked, nothing was changed: ...', { hint: '...' }));
 * // { outcome: 'blocked', changed: false, error: { code: 'ApplyBlocked', message: '...', hint: '...' } }
 * ```
 */
export function applyErrorJson(error: unknown): ApplyErrorJson {
  const code = error instanceof EksKitError ? error.code : 'Error';
  const outcome: ApplyErrorJson['outcome'] =
    code === 'ApplyBlocked'
      ? 'blocked'
      : code === 'Cancelled'
        ? 'cancelled'
        : error instanceof InvalidInputError
          ? 'invalid-input'
          : 'failed';
  const hint = error instanceof EksKitError ? error.hint : undefined;
  return {
    outcome,
    // Refused before any change; a failure part-way may have changed something (a rerun converges).
    changed: outcome === 'failed' ? 'unknown' : false,
    error: {
      code,
      message: error instanceof EksKitError ? error.message.replace(/\s*\n\s*/g, ' ') : formatError(error),
      ...(hint ? { hint } : {}),
    },
  };
}

async function applyOrThrow(ctx: CommandContext, options: ApplyOptions): Promise<number> {
  const yes = options.yes === true;
  if (!yes && !ctx.stdinIsTty)
    throw new InvalidInputError(
      '--yes',
      undefined,
      '--yes when standard input is not a terminal (apply cannot ask)',
      {
        hint: 'review with eks-kit plan, then run eks-kit apply --yes',
      },
    );
  checkRegionFlags(options); // --regions with --all-regions: exit 64 before the file
  const minutes = optionValue(options.timeout ?? 30);
  return withStack(ctx, options, async ({ stack, clients }) => {
    const where = regionOptions(options, stack);
    try {
      const result = await applyStack(clients, stack, {
        ...where,
        yes,
        adopt: options.adopt === true,
        prune: options.prune === true,
        wait: options.wait !== false,
        timeoutMs: minutes * 60_000,
        signal: ctx.signal,
        onEvent: (event) => ctx.out.progress(event),
        confirm: (changes, findings) => confirm(ctx, changes, findings),
      });
      if (ctx.out.json) {
        ctx.out.resultJson({
          stack: stack.name,
          outcome: result.changes.length > 0 ? 'applied' : 'unchanged',
          ...changesToJson(result.changes),
          findings: result.findings,
          certificates: result.certificates,
          orphans: result.orphans,
        });
      } else {
        // With orphans left (named on stderr below), AWS matches the file, not the whole stack (issue 21).
        ctx.out.result(
          result.changes.length === 0 && result.orphans.length > 0
            ? 'No changes. AWS matches the stack file.'
            : renderChanges(result.changes, { color: ctx.out.color, verb: 'Applied' }),
        );
        for (const cert of result.certificates)
          ctx.out.result(`certificate ${cert.domainName}: ${cert.status}${cert.arn ? ` (${cert.arn})` : ''}`);
      }
      // Orphans (issue 16): resources tagged for the stack that the file no longer describes.
      // With --prune, the ones left are those a delete procedure kept (e.g. a repository with images).
      if (result.orphans.length > 0 && options.prune === true)
        ctx.out.error(
          `${result.orphans.length} resource(s) tagged for stack ${stack.name} are no longer in the stack file and were kept by --prune: ${result.orphans.map((o) => `${o.resource} (${o.reason})`).join(', ')}`,
        );
      else if (result.orphans.length > 0)
        ctx.out.error(
          `${result.orphans.length} resource(s) tagged for stack ${stack.name} are no longer in the stack file and were left: ${result.orphans.map((o) => o.resource).join(', ')}; eks-kit apply --prune${regionFlags(where)} deletes them`,
        );
      // A region of --all-regions / --regions that could not be searched (issue 21): a warning.
      for (const f of result.findings.filter((x) => x.check === 'stack.orphans.region'))
        ctx.out.error(`warning: ${f.message}`);
      return 0;
    } catch (error) {
      printChangedBefore(ctx, error);
      throw error;
    }
  });
}

/**
 * After an apply that failed half-way (AWS refused a write), say what it had already changed, always
 * (not only with --verbose): the next run converges from there. Nothing is printed for an apply
 * refused before its first write.
 *
 * @example
 * ```ts
 * try { await applyStack(...); } catch (e) { printChangedBefore(ctx, e); throw e; }
 * ```
 */
export function printChangedBefore(ctx: CommandContext, error: unknown): void {
  // Stopped by a signal (Ctrl-C, SIGTERM, SIGHUP): the one closing line says so and that a rerun
  // converges (issue 15: one line); the list is for a write that AWS refused (issue 14).
  if (ctx.signal?.aborted) return;
  const done = changesBefore(error);
  if (!done || (done.changes.length === 0 && done.applied.length === 0)) return;
  const lines = [
    'Apply stopped half-way. Already changed (run eks-kit apply again to converge):',
    ...done.changes.map((c) => `  ${c.resource}: ${c.summary}`),
    ...done.applied.map((line) => `  ${line}`),
  ];
  // Steps run concurrently (issue 22): say which step failed and which finished anyway.
  const failed = (done.steps ?? []).filter((s) => s.outcome !== 'done');
  if (failed.length > 0 && (done.steps ?? []).length > 1)
    lines.push(
      'Steps:',
      ...(done.steps ?? []).map(
        (s) =>
          `  ${s.title}: ${s.outcome === 'done' ? 'finished' : s.outcome}${s.reason ? ` (${s.reason})` : ''}`,
      ),
    );
  ctx.out.error(lines.join('\n'));
}

async function confirm(
  ctx: CommandContext,
  changes: readonly Change[],
  findings: readonly Finding[],
): Promise<boolean> {
  ctx.out.error(renderChanges(changes, { color: ctx.out.color }));
  if (findings.length > 0) ctx.out.error(`\n${findingsTable(findings, ctx.out.paint)}`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('\nApply these changes? Only "yes" is accepted: ', {
      signal: ctx.signal,
    });
    if (answer.trim() !== 'yes') throw new EksKitError('Cancelled', 'apply cancelled: nothing was changed');
    return true;
  } finally {
    rl.close();
  }
}
