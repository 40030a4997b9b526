import { readFile } from 'node:fs/promises';
import type { EsbuildPlugin } from './esbuild-plugin.js';

/**
 * The built files that load the SDK with `await import(...)`: core's (its entries and the chunk they
 * share, where `createClients` is), and asg-discovery's and iam-policies', which load their SDK commands
 * only where a call sends them (issue 21).
 */
const CORE_ENTRY = /[\\/](core|asg-discovery|iam-policies)[\\/]dist[\\/][^\\/]+\.js$/;

/**
 * Turn `await import("m")` into a static namespace import of `m`, and
 * `const { a, b } = await import("m")` into property reads of that namespace (esbuild keeps every
 * export of a namespace that is destructured, only the read ones of `ns.a`).
 *
 * @example
 * ```ts
 * staticImports('const { f } = await import("m");\nconst C = (await import("n")).C;');
 * // 'import * as __eksKitStatic0 from "m";\nimport * as __eksKitStatic1 from "n";\n'
 * // + 'const f = __eksKitStatic0.f;\nconst C = (__eksKitStatic1).C;'
 * ```
 */
export function staticImports(source: string): string {
  const modules: string[] = [];
  const namespaceOf = (specifier: string): string => {
    let index = modules.indexOf(specifier);
    if (index < 0) index = modules.push(specifier) - 1;
    return `__eksKitStatic${index}`;
  };
  const contents = source
    .replace(
      /const \{ ?(\w+(?:, ?\w+)*) ?\} = await import\("([^"]+)"\)/g,
      (_match, names: string, specifier: string) => {
        const ns = namespaceOf(specifier);
        return `const ${names
          .split(',')
          .map((n) => `${n.trim()} = ${ns}.${n.trim()}`)
          .join(', ')}`;
      },
    )
    .replace(/await import\("([^"]+)"\)/g, (_match, specifier: string) => namespaceOf(specifier));
  const imports = modules
    .map((m, i) => `import * as __eksKitStatic${i} from ${JSON.stringify(m)};\n`)
    .join('');
  return `${imports}${contents}`;
}

/**
 * core's `createClients` loads each SDK client (and the credential chain) with `await import(...)`. In
 * one bundle, esbuild wraps every module reached by a dynamic import in a lazy initialiser and keeps
 * all of its code: whole SDK packages, every command included. Turn those imports into static ones
 * ({@link staticImports}) so the bundle keeps only what is used; clients are still constructed
 * lazily, on first use. If core's code changes shape, nothing matches and the bundle is only bigger,
 * never wrong.
 *
 * @example
 * ```ts
 * defineConfig({ esbuildPlugins: [staticCoreImports] });
 * ```
 */
export const staticCoreImports: EsbuildPlugin = {
  name: 'eks-kit-static-core-imports',
  setup(build) {
    build.onLoad({ filter: CORE_ENTRY }, async (args) => ({
      contents: staticImports(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};
