import { readFile } from 'node:fs/promises';
import type { EsbuildPlugin } from './esbuild-plugin.js';
import { staticImports } from './static-core-imports.js';

/** core's built files (its entries and their chunks), where `createClients` and the STS helpers load the SDK with `await import(...)`. */
const CORE_ENTRY = /[\\/]core[\\/]dist[\\/][^\\/]+\.js$/;
/**
 * The built entries that import each SDK command where a call sends it (issue 21: unbundled, importing
 * them loads no SDK client). In a split bundle those imports are made static again: narrowed, each
 * would be a chunk of its own (36 more files for the CLI, 26 KB), and the commands' code is small once
 * tree-shaken; the clients themselves stay lazy, loaded by core.
 */
const COMMAND_ENTRIES = /[\\/](asg-discovery|iam-policies)[\\/]dist[\\/]index\.js$/;
/** Prefix of the specifiers {@link narrowDynamicImports} writes: `eks-kit-narrow:<module>#<name>,<name>`. */
const PREFIX = 'eks-kit-narrow:';

/**
 * Point each `const { a, b } = await import("m")` and `(await import("m")).C` at a module that
 * re-exports only the names read (`eks-kit-narrow:m#a,b`), so the import stays dynamic (lazy) but
 * esbuild keeps only what those names reach. Any other `await import(...)` is left as it is.
 *
 * @example
 * ```ts
 * narrowDynamicImports('const C = (await import("n")).C;');
 * // 'const C = (await import("eks-kit-narrow:n#C")).C;'
 * ```
 */
export function narrowDynamicImports(source: string): string {
  return source
    .replace(
      /const \{ ?(\w+(?:, ?\w+)*) ?\} = await import\("([^"#]+)"\)/g,
      (_m, names: string, specifier: string) =>
        `const { ${names} } = await import("${PREFIX}${specifier}#${names
          .split(',')
          .map((n) => n.trim())
          .join(',')}")`,
    )
    .replace(
      /\(await import\("([^"#]+)"\)\)\.(\w+)/g,
      (_m, specifier: string, name: string) => `(await import("${PREFIX}${specifier}#${name}")).${name}`,
    );
}

/**
 * For a bundle WITH code splitting (the CLI): core's `createClients` loads each SDK client with
 * `await import(...)`, and esbuild keeps all the code of a dynamically imported module (every command
 * and schema of the client). {@link narrowDynamicImports} makes each of those imports reach only the
 * names core reads (`IAMClient`, `fromNodeProviderChain`...), so the SDK chunks shrink as with
 * `staticCoreImports` while a command that makes no AWS call still loads no SDK client. (For a
 * one-file bundle, `staticCoreImports` does the same with static imports.) If core's code changes
 * shape, nothing matches and the bundle is only bigger, never wrong.
 *
 * @example
 * ```ts
 * defineConfig({ splitting: true, esbuildPlugins: [lazyCoreImports] });
 * ```
 */
export const lazyCoreImports: EsbuildPlugin = {
  name: 'eks-kit-lazy-core-imports',
  setup(build) {
    build.onLoad({ filter: CORE_ENTRY }, async (args) => ({
      contents: narrowDynamicImports(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
    build.onLoad({ filter: COMMAND_ENTRIES }, async (args) => ({
      contents: staticImports(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
    // The path names the chunk: `<module>/narrow/<names>`, no `#` (a URL fragment in an ESM import).
    build.onResolve({ filter: /^eks-kit-narrow:/ }, (args) => ({
      path: args.path.slice(PREFIX.length).replace('#', '/narrow/').replaceAll(',', '_'),
      namespace: 'eks-kit-narrow',
      pluginData: { resolveDir: args.resolveDir },
    }));
    build.onLoad({ filter: /.*/, namespace: 'eks-kit-narrow' }, (args) => {
      const [specifier, names = ''] = args.path.split('/narrow/');
      return {
        contents: `export { ${names.split('_').join(', ')} } from ${JSON.stringify(specifier)};`,
        loader: 'js',
        resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
      };
    });
  },
};
