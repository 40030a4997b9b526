/**
 * esbuild plugins shared by the eks-kit bundles (apps/cli and apps/checks-lambda tsup configs, which
 * import this file by relative path: tsup bundles its config, so TypeScript sources load as they are).
 */
export { browserOnlyStubs } from './browser-only-stubs.js';
export type { EsbuildPlugin } from './esbuild-plugin.js';
export { lazyCoreImports, narrowDynamicImports } from './lazy-core-imports.js';
export { inlineConstantKeys, sdkSchemaConstantKeys } from './sdk-schema-constant-keys.js';
export { staticCoreImports, staticImports } from './static-core-imports.js';
export { yamlEsmBuild, yamlEsmEntry } from './yaml-esm-build.js';
