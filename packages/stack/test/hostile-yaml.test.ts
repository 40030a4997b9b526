/**
 * Issue 15, "the parser never falls over": every YAML-level failure is an InvalidInputError naming
 * `file:line` (exit 64), never a ReferenceError/RangeError or a process warning, and no input makes
 * the parser's work grow faster than the input. One case per class; the fuzz suite in
 * tests/reliability covers arbitrary input.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES, InvalidInputError } from '@eks-kit/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  loadStack,
  MAX_STACK_BYTES,
  MAX_YAML_ALIASES,
  MAX_YAML_DEPTH,
  parsePath,
  parseStack,
} from '../src/index.js';

const base = `name: demo
cluster:
  name: demo
  region: eu-west-1
  kubernetesVersion: "1.35"
`;

function refusal(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const e = error as InvalidInputError;
    expect(e.message).not.toMatch(/[\n\r]/);
    expect(e.exitCode).toBe(EXIT_CODES.invalidInput);
    return e;
  }
  throw new Error('expected an InvalidInputError');
}

const laughs = (levels: number, width: number): string => {
  let text = `l0: &l0 [${Array(width).fill('"lol"').join(', ')}]\n`;
  for (let i = 1; i <= levels; i++)
    text += `l${i}: &l${i} [${Array(width)
      .fill(`*l${i - 1}`)
      .join(', ')}]\n`;
  return text;
};

const cases: Array<{ name: string; text: string; message: RegExp }> = [
  {
    name: 'an alias to no anchor',
    text: `${base}tags: *nowhere\n`,
    message: /^f\.yaml:6: yaml: expected an alias to an anchor set earlier \(&nowhere\)/,
  },
  {
    name: 'an alias before its anchor',
    text: `${base}tags: *a\nx: &a {}\n`,
    message: /^f\.yaml:6: yaml: expected an alias to an anchor set earlier/,
  },
  {
    name: 'an alias inside its own anchor (a cycle)',
    text: `${base}tags: &a { k: *a }\n`,
    message: /^f\.yaml:6: yaml: expected an alias to an anchor set earlier/,
  },
  {
    name: `more than ${MAX_YAML_ALIASES} aliases`,
    text: `${base}a: &a x\nb: [${Array(MAX_YAML_ALIASES + 1)
      .fill('*a')
      .join(', ')}]\n`,
    message: /^f\.yaml:7: yaml: expected at most 100 aliases/,
  },
  {
    name: 'a billion laughs',
    text: base + laughs(9, 9),
    message: /^f\.yaml:\d+: yaml: expected at most 100 alias expansions/,
  },
  {
    name: 'a list as a key',
    text: `${base}? [a, b]\n: 1\n`,
    message: /^f\.yaml:6: yaml: expected a plain key/,
  },
  {
    name: 'nested complex keys (the 74-byte file)',
    text: `${'? '.repeat(36)}a\n`,
    message: /^f\.yaml:1: yaml: expected a plain key/,
  },
  {
    name: 'a flow map as a key, nested',
    text: `${base}${'{'.repeat(30)}a${'}'.repeat(30)}: 1\n`,
    message: /^f\.yaml:6: yaml: expected a plain key/,
  },
  {
    name: 'an alias as a key',
    text: `${base}a: &k x\n*k : 1\n`,
    message: /^f\.yaml:7: yaml: expected a plain key/,
  },
  {
    name: `nesting deeper than ${MAX_YAML_DEPTH}`,
    text: `${base}tags: ${'['.repeat(MAX_YAML_DEPTH + 1)}${']'.repeat(MAX_YAML_DEPTH + 1)}\n`,
    message: /^f\.yaml:6: yaml: expected YAML nested at most 64 levels deep, got 65/,
  },
  {
    name: 'nesting that exhausts the parser (10,000 levels)',
    text: `${base}tags: ${'['.repeat(10_000)}\n`,
    message: /^f\.yaml:\d+: yaml: expected YAML nested at most 64 levels deep/,
  },
  {
    name: 'block nesting 100 deep',
    text: `${base}tags:\n${Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} x\n`,
    message: /^f\.yaml:\d+: yaml: expected YAML nested at most 64 levels deep/,
  },
  {
    name: 'an unknown tag',
    text: `${base}tags: !vault x\n`,
    message: /^f\.yaml:6: yaml: expected YAML without tags.*Unresolved tag: !vault/,
  },
  {
    name: 'a YAML 1.1 tag (!!binary)',
    text: `${base}tags: !!binary aGVsbG8=\n`,
    message: /^f\.yaml:6: yaml: expected YAML without tags/,
  },
  {
    name: 'a YAML 1.1 tag (!!set)',
    text: `${base}tags: !!set { a }\n`,
    message: /^f\.yaml:6: yaml: expected YAML without tags/,
  },
  {
    name: 'a YAML 1.1 tag (!!timestamp)',
    text: `${base}tags: !!timestamp 2001-12-14\n`,
    message: /^f\.yaml:6: yaml: expected YAML without tags/,
  },
  {
    name: 'a local tag on a map',
    text: `${base}tags: !thing { a: b }\n`,
    message: /^f\.yaml:6: yaml: expected YAML without tags/,
  },
  {
    name: 'a second document',
    text: `${base}---\nname: other\n`,
    message: /^f\.yaml:6: yaml: expected valid YAML/,
  },
  {
    name: 'a file over the size limit',
    text: `${base}#${'x'.repeat(MAX_STACK_BYTES)}\n`,
    message: /^f\.yaml:6: stack: expected a stack file of at most 1000000 bytes/,
  },
  {
    name: 'multi-byte text over the byte limit',
    text: `#${'é'.repeat(MAX_STACK_BYTES / 2 + 1)}`,
    message: /^f\.yaml:1: stack: expected a stack file of at most 1000000 bytes/,
  },
];

describe('hostile YAML: one line naming file:line, exit 64', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warn = vi.spyOn(process, 'emitWarning');
  });
  afterEach(() => {
    warn.mockRestore();
  });
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const e = refusal(() => parseStack(c.text, 'f.yaml'));
      expect(e.message).toMatch(c.message);
      expect(warn).not.toHaveBeenCalled(); // no "Keys with collection values will be stringified"
    });
  }

  it('keeps what a stack file may use: anchors and aliases, core tags, merge-free keys', () => {
    const stack = parseStack(
      `${base}tags: &t { team: a }\nautoscaler:\n  workerGroups: { names: [x] }\n  nodeTemplates:\n    x: { labels: *t }\nchecks: { warnDays: !!int "40" }\n`,
      'f.yaml',
    );
    expect(stack.tags).toEqual({ team: 'a' });
    expect(stack.checks.warnDays).toBe(40);
  });
});

describe('key paths with backslashes', () => {
  it('parsePath never throws on a quoted segment JSON refuses', () => {
    expect(parsePath('tags["x\\q"]')).toEqual(['tags', 'xq']);
    expect(parsePath('tags["a\\"b"]')).toEqual(['tags', 'a"b']);
    expect(parsePath('tags["\\u00e9"]')).toEqual(['tags', 'é']);
  });
  it('a stack key such as x["\\q"] is refused with its line, not a SyntaxError', () => {
    const e = refusal(() => parseStack(`${base}tags:\n  'x["\\q"]': v\n`, 'f.yaml'));
    expect(e.message).toMatch(/^f\.yaml:7: tags\.x\["\\q"\]: expected a tag key/);
  });
});

describe('loadStack: paths and bounded reading', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-kit-load-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
  symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
  const table: Array<[string, string, RegExp]> = [
    ['missing', join(dir, 'nope.yaml'), /^file: expected a readable stack file \(this is no such file\)/],
    ['a folder', dir, /\(this is a folder, not a file\)/],
    ['a loop of links', join(dir, 'loop-a'), /\(this is a loop of symbolic links\)/],
    ['through a file', join(file, 'x.yaml'), /\(this is a path through something that is not a folder\)/],
    ['too long', join(dir, 'x'.repeat(300)), /\(this is a path too long for the system\)/],
    ['empty', '', /^file: expected a stack file path/],
    ['with NUL', 'a\0b', /^file: expected a file path without NUL characters/],
  ];
  for (const [name, path, message] of table)
    it(`refuses a path that is ${name}`, async () => {
      const error = await loadStack(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toMatch(message);
    });
  it('names the flag the caller gives (the CLI passes -f)', async () => {
    const error = await loadStack(dir, { fileField: '-f' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^-f: /);
  });
  it('/dev/zero is read up to the limit, then refused (it never ends)', async () => {
    const error = await loadStack('/dev/zero').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(
      /^\/dev\/zero:1: stack: expected a stack file of at most 1000000 bytes/,
    );
  });
});
