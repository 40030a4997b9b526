/**
 * Issue 20 item 2: no function over 80 lines outside data literals, in the source of every package,
 * app and tool (tests and the benchmarks' drivers aside). Measured with the TypeScript compiler API
 * (support/function-length.ts). The functions still over the limit are listed below with their
 * length today: the list may only shrink (a listed function that grows, or a new long function,
 * fails; a listed one split below the limit must leave the list).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  functionLengths,
  longFunctions,
  MAX_FUNCTION_LINES,
  sourceFiles,
} from './support/function-length.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Source folders checked: every package's, app's and tool's `src`. */
const FOLDERS = [
  'packages/core/src',
  'packages/iam-policies/src',
  'packages/asg-discovery/src',
  'packages/acm-dns-validation/src',
  'packages/ecr-credentials/src',
  'packages/helm-values/src',
  'packages/stack/src',
  'packages/aws-emulator/src',
  'apps/cli/src',
  'apps/checks-lambda/src',
  'tools/esbuild-plugins/src',
];

/** Long functions not split yet (path, name: counted lines today). Only ever remove entries. */
const NOT_SPLIT_YET: Readonly<Record<string, number>> = {
  'packages/aws-emulator/src/framework/dispatch.ts serve': 110,
  'packages/aws-emulator/src/services/acm.ts handler': 106,
  'packages/aws-emulator/src/services/route53.ts applyChangeBatch': 91,
  'packages/stack/src/load/bounded-yaml.ts parseYamlBounded': 87,
  'packages/aws-emulator/src/emulator.ts startEmulator': 81,
};

describe('function length', () => {
  it(`no function over ${MAX_FUNCTION_LINES} lines outside data literals (the not-split-yet list may only shrink)`, () => {
    const long = longFunctions(ROOT, sourceFiles(ROOT, FOLDERS));
    const found = Object.fromEntries(long.map((f) => [`${f.where.replace(/:\d+$/, '')} ${f.name}`, f.lines]));
    const grown = Object.entries(found)
      .filter(([key, lines]) => NOT_SPLIT_YET[key] === undefined || lines > (NOT_SPLIT_YET[key] ?? 0))
      .map(([key, lines]) => `${key}: ${lines} lines`);
    expect(grown, 'new or grown functions over the limit: split them').toEqual([]);
    const split = Object.keys(NOT_SPLIT_YET).filter((key) => found[key] === undefined);
    expect(split, 'split below the limit: remove them from NOT_SPLIT_YET').toEqual([]);
  });

  it('counts code lines, not blank lines, comments or the lines of a data literal', () => {
    const text = [
      'export function f(): unknown {',
      '  // a comment',
      '',
      '  /* a block',
      '     comment */',
      '  const table = {',
      "    a: 'x',",
      "    b: 'y',",
      '  };',
      '  return { table, g: () => {',
      '    return 1;',
      '  } };',
      '}',
    ].join('\n');
    const [f, arrow] = functionLengths('a.ts', text);
    // Counted: the signature, `const table = {` (its data lines are not), the three lines of the
    // object that holds a function, and the closing brace.
    expect(f).toEqual({ where: 'a.ts:1', name: 'f', lines: 6 });
    expect(arrow).toMatchObject({ name: 'g', lines: 3 });
  });

  it('finds a function one line over the limit', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES - 1 }, (_, i) => `  call(${i});`);
    const text = ['function long(): void {', ...body, '}'].join('\n');
    expect(functionLengths('b.ts', text)[0]?.lines).toBe(MAX_FUNCTION_LINES + 1);
    const shorter = ['function ok(): void {', ...body.slice(1), '}'].join('\n');
    expect(functionLengths('c.ts', shorter)[0]?.lines).toBe(MAX_FUNCTION_LINES);
  });
});
