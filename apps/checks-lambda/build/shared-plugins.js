// The shared eks-kit esbuild plugins (tools/esbuild-plugins). tsup bundles its config with esbuild,
// which loads the TypeScript sources through this re-export. It is a .js file with a .d.ts beside it
// so that this package's typecheck (rootDir ".") does not take in files outside apps/checks-lambda.
export * from '../../../tools/esbuild-plugins/src/index.ts';
