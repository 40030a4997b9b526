/** What every command gets: checked global flags, the printer and an abort signal. */
import { InvalidInputError } from '@eks-kit/core';
import type { CheckedGlobals } from './global-options.js';
import type { Output } from './output.js';

/** The context a command runs in. */
export interface CommandContext {
  globals: CheckedGlobals;
  out: Output;
  /** Aborted on Ctrl-C: waits and retries stop. */
  signal: AbortSignal;
  env: Record<string, string | undefined>;
  /** True when standard input is a terminal (apply may ask for confirmation). */
  stdinIsTty: boolean;
}

/**
 * The region of a stack command: the stack's own; `--region`, if given, must agree.
 *
 * @example
 * ```ts
 * const region = stackRegion(ctx.globals, stack.cluster.region);
 * ```
 */
export function stackRegion(globals: CheckedGlobals, stackRegionValue: string): string {
  if (globals.region !== undefined && globals.region !== stackRegionValue)
    throw new InvalidInputError(
      '--region',
      globals.region,
      `the stack's region ${stackRegionValue} (or no --region)`,
      {
        hint: 'the region of a stack is cluster.region in the stack file',
      },
    );
  return stackRegionValue;
}
