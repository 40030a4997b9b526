/**
 * The source rewrites of the eks-kit bundles (src/*.ts, used by the CLI and the checks Lambda): each keeps the code's meaning and only
 * changes what esbuild can drop; anything it does not recognise is left as it is.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { narrowDynamicImports } from '../src/lazy-core-imports.js';
import { inlineConstantKeys } from '../src/sdk-schema-constant-keys.js';
import { staticImports } from '../src/static-core-imports.js';
import { yamlEsmEntry } from '../src/yaml-esm-build.js';

describe('inlineConstantKeys (SDK schema modules)', () => {
  it('writes computed keys naming a module string constant as that string, and evaluates the same', () => {
    const source = [
      'const _xN = "xmlName";',
      'const _eQN = "ec2QueryName";',
      'const n0 = "com.amazonaws.ec2";',
      'export var A$ = [3, n0, "A", 0, ["B"], [[0, { [_eQN]: `Min`,',
      '                [_xN]: "m" }]]];',
    ].join('\n');
    const out = inlineConstantKeys(source);
    expect(out).toContain('{ "ec2QueryName": `Min`,');
    expect(out).toContain('"xmlName": "m" }');
    expect(out).not.toMatch(/\[_\w+\]:/);
    const evaluate = (code: string): unknown =>
      new Function(`${code.replace('export var', 'var')}\nreturn A$;`)();
    expect(evaluate(out)).toEqual(evaluate(source));
  });

  it('leaves keys alone when the name is not a plain string constant declared once', () => {
    const source = [
      'const _a = "a";',
      'let _a2 = "b";',
      'const _d2 = `tpl`;',
      'export var S = [{ [_a2]: 1 }, { [_d2]: 2 }, { [_u]: 3 }, { [_a]: 4 }];',
    ].join('\n');
    const out = inlineConstantKeys(source);
    expect(out).toContain('{ [_a2]: 1 }');
    expect(out).toContain('{ [_d2]: 2 }');
    expect(out).toContain('{ [_u]: 3 }');
    expect(out).toContain('{ "a": 4 }');
  });

  it('leaves a module with functions taking parameters as it is (one could shadow a constant)', () => {
    for (const source of [
      'const _d = "x";\nfunction f(_d) { return { [_d]: 1 }; }',
      'const _d = "x";\nconst f = (_d) => ({ [_d]: 1 });',
      'const _d = "x";\nconst f = _d => ({ [_d]: 1 });',
    ])
      expect(inlineConstantKeys(source)).toBe(source);
    expect(inlineConstantKeys('const _d = "x";\nexport var L = [() => ({ [_d]: 1 })];')).toContain('"x": 1');
  });
});

describe("staticImports (core's lazy SDK imports)", () => {
  it('turns dynamic imports into namespace imports, destructuring into property reads', () => {
    const source = [
      'async function creds() { const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers"); return fromNodeProviderChain; }',
      'const iam = async (c) => new (await import("@aws-sdk/client-iam")).IAMClient(c);',
      'const again = async () => (await import("@aws-sdk/client-iam")).IAMClient;',
    ].join('\n');
    expect(staticImports(source)).toBe(
      [
        'import * as __eksKitStatic0 from "@aws-sdk/credential-providers";',
        'import * as __eksKitStatic1 from "@aws-sdk/client-iam";',
        'async function creds() { const fromNodeProviderChain = __eksKitStatic0.fromNodeProviderChain; return fromNodeProviderChain; }',
        'const iam = async (c) => new (__eksKitStatic1).IAMClient(c);',
        'const again = async () => (__eksKitStatic1).IAMClient;',
      ].join('\n'),
    );
  });

  it('leaves a module without dynamic imports unchanged', () => {
    expect(staticImports('export const x = 1;')).toBe('export const x = 1;');
  });
});

describe("narrowDynamicImports (core's lazy SDK imports, code-split bundles)", () => {
  it('points each dynamic import at a module of only the names read; the import stays dynamic', () => {
    const source = [
      'async function creds() { const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers"); return fromNodeProviderChain; }',
      'const iam = async (c) => new (await import("@aws-sdk/client-iam")).IAMClient(c);',
    ].join('\n');
    expect(narrowDynamicImports(source)).toBe(
      [
        'async function creds() { const { fromNodeProviderChain } = await import("eks-kit-narrow:@aws-sdk/credential-providers#fromNodeProviderChain"); return fromNodeProviderChain; }',
        'const iam = async (c) => new (await import("eks-kit-narrow:@aws-sdk/client-iam#IAMClient")).IAMClient(c);',
      ].join('\n'),
    );
  });

  it('leaves a dynamic import whose names it cannot see as it is', () => {
    const source = 'const mod = await import("m");\nexport const x = mod.y;';
    expect(narrowDynamicImports(source)).toBe(source);
  });
});

describe('yamlEsmBuild (yaml as ES modules)', () => {
  // yaml as @eks-kit/stack resolves it (this package has no dependencies of its own, so typed here).
  interface YamlNode {
    range?: [number, number, number];
    items?: { key: YamlNode }[];
  }
  interface YamlApi {
    LineCounter: new () => { linePos(offset: number): { line: number; col: number } };
    parseDocument(
      text: string,
      options: Record<string, unknown>,
    ): {
      contents: YamlNode | null;
      errors: { code: string; message: string }[];
      warnings: { code: string; message: string }[];
      toJS(): unknown;
      toString(): string;
    };
    isMap(node: unknown): boolean;
    isScalar(node: unknown): boolean;
  }
  const stackDir = join(import.meta.dirname, '../../../packages/stack');
  const requireFromStack = createRequire(join(stackDir, 'noop.js'));
  const loadBoth = async (): Promise<[YamlApi, YamlApi]> => [
    requireFromStack('yaml') as YamlApi,
    (await import(pathToFileURL(yamlEsmEntry(stackDir)).href)) as YamlApi,
  ];
  // `!!binary` is the one value whose type differs (Buffer in the Node build, Uint8Array in the ES
  // build, the same bytes): compared as byte arrays.
  const bytesAsArrays = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)),
      (_k, v) =>
        v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer'
          ? (v as { data: number[] }).data
          : v,
    );
  const parsed = (yaml: YamlApi, text: string) => {
    const lineCounter = new yaml.LineCounter();
    const doc = yaml.parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
    const firstKey = yaml.isMap(doc.contents) ? doc.contents?.items?.[0]?.key : undefined;
    const offset = firstKey && yaml.isScalar(firstKey) ? (firstKey.range?.[0] ?? 0) : 0;
    return {
      js: bytesAsArrays(doc.toJS()),
      errors: doc.errors.map((e) => `${e.code} ${e.message}`),
      warnings: doc.warnings.map((w) => `${w.code} ${w.message}`),
      firstKeyAt: lineCounter.linePos(offset),
      text: doc.errors.length === 0 ? doc.toString() : undefined,
    };
  };

  it('resolves to the browser/ ES module build of the same yaml package', () => {
    const entry = yamlEsmEntry(stackDir);
    expect(entry).toMatch(/[\\/]yaml[\\/]browser[\\/]index\.js$/);
    expect(dirname(dirname(entry))).toBe(dirname(requireFromStack.resolve('yaml/package.json')));
  });

  it('parses the seed stack and broken YAML as the Node build does', async () => {
    const [cjs, esm] = await loadBoth();
    expect(esm.parseDocument).not.toBe(cjs.parseDocument); // two builds really loaded
    const seed = readFileSync(join(import.meta.dirname, '../../../examples/seed/eks-kit.yaml'), 'utf8');
    const broken = 'cluster:\n  name: a\n  name: b\nlist: [1, 2\nbin: !!binary aGVsbG8=\n';
    for (const text of [seed, broken, 'a: !!binary aGVsbG8=\n', '%YAML 1.1\n---\nx: yes\n']) {
      expect(parsed(esm, text)).toEqual(parsed(cjs, text));
    }
    expect(parsed(esm, broken).errors.length).toBeGreaterThan(0);
    expect(parsed(esm, 'a: !!binary aGVsbG8=\n').js).toEqual({ a: [104, 101, 108, 108, 111] });
  });
});
