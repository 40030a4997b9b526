/**
 * The source rewrites of the eks-kit bundles (src/*.ts, used by the CLI and the checks Lambda): each keeps the code's meaning and only
 * changes what esbuild can drop; anything it does not recognise is left as it is.
 */
import { describe, expect, it } from 'vitest';
import { narrowDynamicImports } from '../src/lazy-core-imports.js';
import { inlineConstantKeys } from '../src/sdk-schema-constant-keys.js';
import { staticImports } from '../src/static-core-imports.js';

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
