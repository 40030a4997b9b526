/**
 * The typed options of the CLI (src/runtime/options.ts): commander's parsers turn `--timeout`,
 * `--account-id` and `--vm-memory-overhead-percent` into typed values, and keep a refused value as the
 * InvalidInputError the command throws where it checks its input (so the order of the checks, the
 * message and exit 64 stay the command's). `parseCliArgs` parses as a run does, in process.
 */
import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/program.js';
import { optionValue, parseAccountId, parseMinutes, parseOverheadFraction } from '../src/runtime/options.js';

describe('option parsers', () => {
  it('parse good values to their types', () => {
    expect(parseMinutes('30')).toBe(30);
    expect(parseMinutes('1.5')).toBe(1.5);
    expect(parseMinutes('4320')).toBe(4320);
    expect(parseAccountId('123456789012')).toBe('123456789012');
    expect(parseOverheadFraction('0')).toBe(0);
    expect(parseOverheadFraction('0.075')).toBe(0.075);
  });

  it.each([
    [() => parseMinutes('0'), '--timeout'],
    [() => parseMinutes('4321'), '--timeout'],
    [() => parseMinutes('Infinity'), '--timeout'],
    [() => parseMinutes('1e3'), '--timeout'],
    [() => parseAccountId('12345'), '--account-id'],
    [() => parseOverheadFraction('1'), '--vm-memory-overhead-percent'],
    [() => parseOverheadFraction('-0.1'), '--vm-memory-overhead-percent'],
  ])('keep a refusal (%#) as the InvalidInputError naming %s, thrown only by optionValue', (parse, field) => {
    const parsed = parse();
    expect(parsed).toBeInstanceOf(InvalidInputError);
    expect(() => optionValue(parsed)).toThrow(InvalidInputError);
    expect((parsed as InvalidInputError).field).toBe(field);
  });

  it('a refused --timeout states the range it accepts: 0 is refused, so the range does not start "from 0" (found trying eks-kit as a new user)', () => {
    const zero = parseMinutes('0') as InvalidInputError;
    expect(zero.message).toBe(
      '--timeout: expected minutes, more than 0 and at most 4320 (72 hours), got "0"',
    );
  });

  it('optionValue returns a good value unchanged', () => {
    expect(optionValue(parseMinutes('15'))).toBe(15);
  });
});

describe('the command tree with typed options', () => {
  it.each([
    ['apply', ['apply', '--yes', '--timeout', '15']],
    ['cert wait', ['cert', 'wait', '--timeout', '0.5']],
    ['render', ['render', '--out', 'deploy', '--account-id', '123456789012']],
    ['autoscaler fit', ['autoscaler', 'fit', '--cpu', '1', '--vm-memory-overhead-percent', '0.05']],
    ['helm values', ['helm', 'values', '--chart', 'metrics-server']],
  ])('%s accepts its typed flags', async (command, argv) => {
    expect(await parseCliArgs(argv)).toEqual({ exitCode: 0, command, stderr: '' });
  });

  it("refuses a chart that is not one of the choices, with commander's message and exit 64", async () => {
    const parsed = await parseCliArgs(['helm', 'values', '--chart', 'nginx']);
    expect(parsed.exitCode).toBe(64);
    expect(parsed.stderr).toMatch(/^Error: option '--chart <chart>' argument 'nginx' is invalid/);
  });
});
