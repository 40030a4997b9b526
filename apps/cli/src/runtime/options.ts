/**
 * The options of the commands, typed, and commander's parsers for the flags that are not plain
 * strings: `--timeout` (minutes), `--account-id`, `--vm-memory-overhead-percent` (a fraction),
 * `--regions` (a comma-separated list of regions).
 *
 * A parser never throws: a value it refuses becomes the {@link InvalidInputError} the command throws
 * where it checks its input ({@link optionValue}). The order of the checks, the one-line message and the
 * exit code 64 stay those of the command (e.g. `apply --json` still reports a bad `--timeout` as its
 * JSON outcome, and `--yes` is still checked before it).
 */
import { InvalidInputError, validateAccountId, validateRegion } from '@eks-kit/core';

/** A flag's parsed value, or the refusal its command throws when it checks its input. */
export type Parsed<T> = T | InvalidInputError;

/**
 * The value of a parsed flag; throws the refusal of a bad one.
 *
 * @example
 * ```ts
 * const minutes = optionValue(options.timeout); // throws InvalidInputError('--timeout', ...) for "abc"
 * ```
 */
export function optionValue<T>(parsed: Parsed<T>): T {
  if (parsed instanceof InvalidInputError) throw parsed;
  return parsed;
}

/** Runs a check that throws InvalidInputError and keeps the refusal for later. */
function deferred<T>(check: () => T): Parsed<T> {
  try {
    return check();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
}

/** The longest wait a `--timeout` accepts: 72 hours. */
export const MAX_TIMEOUT_MINUTES = 4320;

/**
 * commander parser of `--timeout <minutes>`: a positive decimal number of minutes, at most 72 hours.
 *
 * @example
 * ```ts
 * parseMinutes('1.5'); // 1.5
 * parseMinutes('0');   // InvalidInputError: --timeout: expected minutes, more than 0 and at most 4320 (72 hours), got "0"
 * ```
 */
export function parseMinutes(text: string): Parsed<number> {
  return deferred(() => {
    const minutes = Number(text);
    if (!/^\d+(?:\.\d+)?$/.test(text) || minutes <= 0 || minutes > MAX_TIMEOUT_MINUTES)
      throw new InvalidInputError('--timeout', text, 'minutes, more than 0 and at most 4320 (72 hours)');
    return minutes;
  });
}

/**
 * commander parser of `--account-id <id>`: twelve digits (core's `validateAccountId`).
 *
 * @example
 * ```ts
 * parseAccountId('123456789012'); // '123456789012'
 * ```
 */
export function parseAccountId(text: string): Parsed<string> {
  return deferred(() => validateAccountId(text, '--account-id'));
}

/**
 * commander parser of `--vm-memory-overhead-percent <fraction>`: a number from 0 to below 1.
 *
 * @example
 * ```ts
 * parseOverheadFraction('0.075'); // 0.075
 * ```
 */
export function parseOverheadFraction(text: string): Parsed<number> {
  return deferred(() => {
    const n = Number(text);
    if (!/^\d*\.?\d+$/.test(text) || !(n >= 0 && n < 1))
      throw new InvalidInputError(
        '--vm-memory-overhead-percent',
        text,
        "a fraction from 0 to below 1, such as 0.075 (7.5% of EC2's memory figure)",
      );
    return n;
  });
}

/**
 * commander parser of `--regions <a,b>`: a comma-separated list of known AWS region names (core's
 * `validateRegion`, nearest name suggested); given twice, the lists add up.
 *
 * @example
 * ```ts
 * parseRegionList('eu-west-1,us-east-1'); // ['eu-west-1', 'us-east-1']
 * parseRegionList('eu-wst-1');            // InvalidInputError: --regions: expected a known AWS region (did you mean eu-west-1?), ...
 * ```
 */
export function parseRegionList(text: string, previous?: Parsed<string[]>): Parsed<string[]> {
  if (previous instanceof InvalidInputError) return previous;
  return deferred(() => {
    const names = text.split(',').map((r) => r.trim());
    if (names.some((r) => r === ''))
      throw new InvalidInputError(
        '--regions',
        text,
        'a comma-separated list of AWS regions such as eu-west-1,us-east-1',
      );
    return [...(previous ?? []), ...names.map((r) => validateRegion(r, '--regions'))];
  });
}

/** `-f, --file <path>`: every stack command has it (default `eks-kit.yaml`, `-` for standard input). */
export interface FileOption {
  file?: string;
}

/** `--account-id <id>` (default: STS GetCallerIdentity). */
export interface AccountIdOption {
  accountId?: Parsed<string>;
}

/** `--timeout <minutes>` (default 30). */
export interface TimeoutOption {
  timeout?: Parsed<number>;
}

/** The charts of `eks-kit helm values --chart` (commander's choices). */
export const HELM_CHARTS = ['cluster-autoscaler', 'metrics-server'] as const;
/** One of {@link HELM_CHARTS}. */
export type HelmChart = (typeof HELM_CHARTS)[number];
