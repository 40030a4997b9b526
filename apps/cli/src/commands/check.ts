/** `eks-kit check`: findings for everything in the stack, as a table or JSON; exit 2 on failures. */
import { EXIT_CODES, type Finding, summarizeFindings } from '@eks-kit/core';
import { checkStack } from '@eks-kit/stack';
import type { CommandContext } from '../runtime/context.js';
import { openStack } from '../runtime/load.js';
import { findingsTable } from '../runtime/table.js';

/**
 * Run every check of the stack; one failing check never hides the others.
 *
 * @example
 * ```sh
 * eks-kit check --json | jq '.findings[] | select(.status == "fail")'
 * ```
 */
export async function checkCommand(ctx: CommandContext, options: Record<string, unknown>): Promise<number> {
  const { stack, clients, finish } = await openStack(ctx, options);
  try {
    const findings = await checkStack(clients, stack, {
      signal: ctx.signal,
      onEvent: (event) => ctx.out.progress(event),
    });
    printFindings(ctx, findings, stack.name);
    return findings.some((f) => f.status === 'fail') ? EXIT_CODES.failingFindings : EXIT_CODES.ok;
  } finally {
    finish();
  }
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
