import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { EsbuildPlugin } from './esbuild-plugin.js';

/**
 * The path of the ES module build of `yaml` that `importer`'s `yaml` would resolve to.
 *
 * @example
 * ```ts
 * yamlEsmEntry('/repo/packages/stack'); // '/repo/node_modules/.pnpm/yaml@2.9.1/node_modules/yaml/browser/index.js'
 * ```
 */
export function yamlEsmEntry(resolveDir: string): string {
  const manifest = createRequire(join(resolveDir, 'noop.js')).resolve('yaml/package.json');
  return join(dirname(manifest), 'browser', 'index.js');
}

/**
 * `yaml` (eemeli/yaml 2.x) ships its Node entry (`exports["."].node`) as CommonJS: esbuild keeps all
 * 72 of its modules, wrapped so that every one of them runs when the bundle loads. Its `browser/`
 * entry is the same source built as ES modules, which esbuild tree-shakes and hoists (Lambda bundle
 * 1,107.9 -> 1,089.4 KiB, 2026-12-06). The two builds differ only where yaml 2.9 reaches for Node:
 * a warning goes to `console.warn` instead of `process.emitWarning` (both end on stderr, i.e. in
 * the function's log), the `LOG_TOKENS`/`LOG_STREAM` debug variables are not read, and `!!binary`
 * becomes a `Uint8Array` instead of a `Buffer` (same bytes; no stack field takes binary, so the schema
 * refuses either). `test/build-transforms.test.ts` parses the seed stack and broken YAML with both
 * builds and compares documents, positions, errors and warnings.
 *
 * @example
 * ```ts
 * defineConfig({ esbuildPlugins: [yamlEsmBuild] });
 * ```
 */
export const yamlEsmBuild: EsbuildPlugin = {
  name: 'eks-kit-yaml-esm-build',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, (args) => ({ path: yamlEsmEntry(args.resolveDir) }));
  },
};
