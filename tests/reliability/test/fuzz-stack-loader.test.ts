/**
 * Fuzz (issue 15): the stack loader never throws anything but InvalidInputError, whose message is
 * one line naming `file:line`, for arbitrary text, bytes, YAML-ish token soup and mutations of a
 * real stack file; it never emits a process warning. Fixed seed; EKS_KIT_FUZZ_RUNS raises the runs.
 */
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '@eks-kit/core';
import { parseStack } from '@eks-kit/stack';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FUZZ_SEED, fuzzRuns, fuzzTimeout } from './support/fuzz-settings.js';

const SEED_STACK = readFileSync(new URL('../../../examples/seed/eks-kit.yaml', import.meta.url), 'utf8');
const FILE = 'fuzz.yaml';
const RUNS = 250;

/** Tokens that reach every part of the YAML parser: indicators, anchors, tags, keys of the schema. */
const TOKENS = [
  '? ',
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '&b ',
  '*a',
  '*b',
  '!x ',
  '!!binary ',
  '!!set ',
  '!!str ',
  '!!int ',
  '!!map ',
  '<<: ',
  '|',
  '>-',
  '"',
  "'",
  '\\',
  '#',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '\n',
  '\n  ',
  '\n    ',
  '  ',
  '\t',
  '\r\n',
  '\u0000',
  '\uFEFF',
  '\u2028',
  'name',
  'cluster',
  'region',
  'tags',
  'autoscaler',
  'certificates',
  'domainName',
  'repositories',
  '__proto__',
  'constructor',
  'eu-west-1',
  '"1.35"',
  '1.30',
  '-1',
  '1e999',
  '.nan',
  'null',
  '~',
  'true',
  'x',
  'é',
  '😀',
];

const yamlish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 200 }).map((t) => t.join(''));

/** A seed stack with token soup inserted at one place and a slice deleted at another. */
const mutatedSeed = fc
  .tuple(
    fc.nat(SEED_STACK.length),
    fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }),
    fc.nat(SEED_STACK.length),
    fc.nat(40),
  )
  .map(([at, tokens, cut, length]) => {
    const inserted = SEED_STACK.slice(0, at) + tokens.join('') + SEED_STACK.slice(at);
    return inserted.slice(0, cut) + inserted.slice(cut + length);
  });

/** Deep or wide structures: the shapes that made the parser's work grow (nesting, keys, aliases). */
const structures = fc.oneof(
  fc.nat(3000).map((n) => `tags: ${'['.repeat(n)}${']'.repeat(n)}\n`),
  fc.nat(3000).map((n) => `${'? '.repeat(n)}a\n`),
  fc.nat(400).map((n) => `${'{'.repeat(n)}a${': 1}'.repeat(n)}\n`),
  fc.nat(200).map((n) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')),
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })).map(([levels, width]) => {
    let text = `l0: &l0 [${Array(width).fill('x').join(', ')}]\n`;
    for (let i = 1; i <= levels; i++)
      text += `l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    return text;
  }),
);

/** The property: parse, or refuse with a one-line InvalidInputError naming fuzz.yaml:<line>. */
function loadsOrRefusesCleanly(text: string): void {
  try {
    parseStack(text, FILE);
  } catch (error) {
    if (!(error instanceof InvalidInputError))
      throw new Error(`threw ${(error as Error)?.name}: ${String((error as Error)?.message).slice(0, 200)}`);
    expect(error.message).not.toMatch(/[\n\r]/);
    expect(error.message).toMatch(/^fuzz\.yaml:\d+: /);
  }
}

describe('fuzz: the stack loader refuses cleanly, or parses', () => {
  let warnings: ReturnType<typeof vi.spyOn>;
  beforeAll(() => {
    warnings = vi.spyOn(process, 'emitWarning');
  });
  afterAll(() => {
    // A process warning would print beside the one-line error (e.g. keys stringified).
    expect(warnings).not.toHaveBeenCalled();
    warnings.mockRestore();
  });

  const properties: Array<[string, fc.Arbitrary<string>]> = [
    ['arbitrary Unicode text', fc.string({ unit: 'grapheme', maxLength: 400 })],
    [
      'arbitrary bytes read as UTF-8',
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('utf8')),
    ],
    ['YAML-ish token soup', yamlish],
    ['mutations of the seed stack', mutatedSeed],
    ['deep, wide and aliased structures', structures],
  ];
  for (const [name, arbitrary] of properties)
    it(
      name,
      () => {
        fc.assert(fc.property(arbitrary, loadsOrRefusesCleanly), {
          seed: FUZZ_SEED,
          numRuns: fuzzRuns(RUNS),
        });
      },
      fuzzTimeout(RUNS),
    );

  it('the fuzzer reaches both outcomes (the seed parses; token soup is refused)', () => {
    expect(() => parseStack(SEED_STACK, FILE)).not.toThrow();
    expect(() => parseStack('? [a]\n: b\n', FILE)).toThrow(InvalidInputError);
  });
});
