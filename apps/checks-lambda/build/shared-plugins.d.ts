/**
 * Types of the shared eks-kit esbuild plugins re-exported by shared-plugins.js (their sources and
 * TSDoc: tools/esbuild-plugins/src). Declared here so this package's typecheck stays inside its rootDir.
 *
 * @example
 * ```ts
 * import { browserOnlyStubs } from './build/shared-plugins.js';
 * defineConfig({ esbuildPlugins: [browserOnlyStubs] });
 * ```
 */
import type { Options } from 'tsup';

/** An esbuild plugin, as tsup takes it (esbuild is tsup's dependency, not this package's). */
export type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];
/** Stubs the browser-only `bowser` user-agent parser. */
export declare const browserOnlyStubs: EsbuildPlugin;
/** Inlines SDK schema computed keys so unused schemas tree-shake. */
export declare const sdkSchemaConstantKeys: EsbuildPlugin;
/** Makes core's destructured dynamic SDK imports static namespace imports. */
export declare const staticCoreImports: EsbuildPlugin;
/** Resolves `yaml` to its ES module build, which esbuild tree-shakes. */
export declare const yamlEsmBuild: EsbuildPlugin;
/** Narrows core's dynamic SDK imports to the names read, keeping them dynamic (split bundles). */
export declare const lazyCoreImports: EsbuildPlugin;
