import { readFile } from 'node:fs/promises';
import type { EsbuildPlugin } from './esbuild-plugin.js';

/** The one module of an SDK v3 client that holds every shape schema of its service. */
const SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/**
 * Replace each computed key `[_x]:` whose `_x` is a top-level string constant of the module
 * (`const _x = "text";`, declared once) by that string. Anything else is left as it is, and so is a
 * module with functions taking parameters (a parameter could shadow a constant; SDK schema modules
 * have none, only `() => X$`).
 *
 * @example
 * ```ts
 * inlineConstantKeys('const _xN = "xmlName";\nexport var A$ = [3, n0, _A, 0, [_B], [[0, { [_xN]: _B }]]];');
 * // 'const _xN = "xmlName";\nexport var A$ = [3, n0, _A, 0, [_B], [[0, { "xmlName": _B }]]];'
 * ```
 */
export function inlineConstantKeys(source: string): string {
  if (/\bfunction\b|\([^()]*\w[^()]*\)\s*=>|\b\w+\s*=>/.test(source)) return source;
  const declarations = new Map<string, number>();
  for (const m of source.matchAll(/\b(?:const|let|var|function|class)\s+(_\w+)\b/g))
    declarations.set(m[1]!, (declarations.get(m[1]!) ?? 0) + 1);
  const constants = new Map<string, string>();
  for (const m of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm))
    if (declarations.get(m[1]!) === 1) constants.set(m[1]!, m[2]!);
  return source.replace(/([{,]\s*)\[(_\w+)\]:/g, (all, before: string, name: string) => {
    const value = constants.get(name);
    return value === undefined ? all : `${before}${value}:`;
  });
}

/**
 * SDK v3 clients keep every shape schema of a service in one module, with traits written as computed
 * keys (`{ [_xN]: "Min" }`, `_xN` a module constant). esbuild cannot prove a computed key free of side
 * effects, so it keeps every schema of the module: EC2's ~540 KB for a bare `import { EC2Client }`.
 * With the keys written as the strings they name (the same objects), esbuild drops the schemas no
 * command of the bundle reaches.
 *
 * @example
 * ```ts
 * defineConfig({ esbuildPlugins: [sdkSchemaConstantKeys] });
 * ```
 */
export const sdkSchemaConstantKeys: EsbuildPlugin = {
  name: 'eks-kit-sdk-schema-constant-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
      contents: inlineConstantKeys(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};
