/**
 * `eks-kit check`: findings for everything in the stack, as a table or JSON; exit 2 on failures.
 * `--checker`: findings about the deployed checks Lambda instead (last run, its role's reads).
 */
import { EXIT_CODES, type Finding, InvalidInputError, summarizeFindings } from '@eks-kit/core';
import { checkStack, describeAccount, heartbeatHoursFor, verifyDeployedChecker } from '@eks-kit/stack';
import { resolveCredentials } from '../runtime/clients.js';
import type { CommandContext } from '../runtime/context.js';
import { withStack } from '../runtime/load.js';
import type { FileOption } from '../runtime/options.js';
import { checkRegionFlags, type RegionsOption, regionOptions } from '../runtime/regions.js';
import { findingsTable } from '../runtime/table.js';

/** Options of `eks-kit check`. */
export interface CheckOptions extends FileOption, RegionsOption {
  checker?: boolean;
  checkerSchedule?: string;
}

/**
 * Run every check of the stack; one failing check never hides the others. `--all-regions` /
 * `--regions a,b` (issue 21): the orphans check also looks for the stack's certificates in those
 * regions (each found is a `stack.orphan` warning; a region that cannot be searched a
 * `stack.orphans.region` warning): warnings, so the exit code stays 0 unless a check fails.
 *
 * @example
 * ```sh
 * eks-kit check --all-regions
 * eks-kit check --json | jq '.findings[] | select(.status == "fail")'
 * eks-kit check --checker   # the deployed checks Lambda: last run, its role's reads
 * ```
 */
export async function checkCommand(ctx: CommandContext, options: CheckOptions): Promise<number> {
  const schedule = options.checkerSchedule === undefined ? undefined : String(options.checkerSchedule);
  if (schedule !== undefined && options.checker !== true)
    throw new InvalidInputError('--checker-schedule', schedule, 'to be given with --checker');
  checkRegionFlags(options); // --regions with --all-regions: exit 64 before the file
  // The deployed checker's findings are about the Lambda, not the stack's resources: no orphan search.
  if (options.checker === true && (options.allRegions === true || options.regions !== undefined))
    throw new InvalidInputError(
      options.allRegions === true ? '--all-regions' : '--regions',
      undefined,
      "to be given without --checker (it widens check's orphan search, which --checker does not run)",
    );
  if (options.checker === true) {
    if (schedule !== undefined) {
      try {
        heartbeatHoursFor(schedule); // refused before any AWS call
      } catch (error) {
        // Name the flag the user typed; check has no heartbeat option, so do not offer the deploy
        // script's --heartbeat-hours.
        if (!(error instanceof InvalidInputError)) throw error;
        const expected = error.expected.replace(/, or give heartbeatHours .*$/, '');
        throw new InvalidInputError('--checker-schedule', schedule, expected);
      }
    }
  }
  return withStack(ctx, options, async ({ stack, clients }) => {
    if (options.checker === true) {
      const { accountId } = await describeAccount(clients, { signal: ctx.signal });
      const findings = await verifyDeployedChecker(clients, stack, {
        accountId,
        signal: ctx.signal,
        ...(schedule !== undefined ? { schedule } : {}),
      });
      printFindings(ctx, findings, stack.name);
      return findings.some((f) => f.status === 'fail') ? EXIT_CODES.failingFindings : EXIT_CODES.ok;
    }
    await resolveCredentials(clients); // none: one line and exit 1, not a failed finding per check
    const findings = await checkStack(clients, stack, {
      ...regionOptions(options, stack),
      signal: ctx.signal,
      onEvent: (event) => ctx.out.progress(event),
    });
    printFindings(ctx, findings, stack.name);
    return findings.some((f) => f.status === 'fail') ? EXIT_CODES.failingFindings : EXIT_CODES.ok;
  });
}

/**
 * Print findings as a table (or JSON with a summary) on stdout.
 *
 * @example
 * ```ts
 * printFindings(ctx, await checkStack(clients, stack), stack.name);
 * ```
 */
export function printFindings(ctx: CommandContext, findings: readonly Finding[], stackName?: string): void {
  const summary = summarizeFindings(findings);
  if (ctx.out.json) {
    ctx.out.resultJson({ ...(stackName ? { stack: stackName } : {}), findings, summary });
    return;
  }
  ctx.out.result(findingsTable(findings, ctx.out.paint));
  ctx.out.result(`\n${summary.ok} ok, ${summary.warn} warning(s), ${summary.fail} failure(s).`);
}
