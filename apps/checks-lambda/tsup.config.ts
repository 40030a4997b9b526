import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';
import { iamDataLeftOut } from './build/iam-data-left-out.js';
import { sfnLeftOut } from './build/sfn-left-out.js';
import {
  browserOnlyStubs,
  lazyCoreImports,
  sdkSchemaConstantKeys,
  staticCoreImports,
  yamlEsmBuild,
} from './build/shared-plugins.js';

/**
 * The stack validator is a file of its own: `import('./stack-loader.js')` in load-stack.ts stays a dynamic
 * import of `./stack-loader.mjs` beside `index.mjs` (loaded only for a stack to validate: edited, or YAML).
 */
const stackLoaderBeside: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'stack-loader-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/stack-loader\.js$/ }, () => ({
      path: './stack-loader.mjs',
      external: true,
    }));
  },
};

/**
 * yaml's ES modules (yamlEsmBuild) are side-effect free to esbuild: `yaml` declares no `sideEffects`, so its
 * node classes and tag tables (static fields, objects built at load) were kept whole in `index.mjs`
 * although the function calls no YAML code (33 KiB); its code is kept where a function of it is used.
 */
const yamlWithoutSideEffects: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'yaml-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) =>
      /[\\/]yaml[\\/]browser[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), args.path), sideEffects: false }
        : undefined,
    );
  },
};

/**
 * In `stack-loader.mjs`, every `@aws-sdk/*` and `@smithy/*` module is `build/no-aws-sdk.cjs`: the validator
 * calls no AWS API, but core, the stack package and the packages under it import SDK clients and commands
 * at their top, which kept a second copy of the SDK runtime (and every client) in that file (828 KiB).
 */
const noAwsSdk: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'no-aws-sdk',
  setup(build) {
    build.onResolve({ filter: /^@(aws-sdk|smithy)\// }, () => ({
      path: fileURLToPath(new URL('./build/no-aws-sdk.cjs', import.meta.url)),
    }));
  },
};

/** The function's files, built alike (each file holds every dependency it uses). */
const functionBuild = {
  // dist/, or another folder for a variant the bench builds (EKS_KIT_LAMBDA_OUT_DIR).
  outDir: process.env.EKS_KIT_LAMBDA_OUT_DIR ?? 'dist',
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  target: 'node22',
  // EKS_KIT_LAMBDA_MINIFY=0 (with EKS_KIT_LAMBDA_OUT_DIR): a readable copy for a CPU profile, with each
  // input's path above its code.
  minify: process.env.EKS_KIT_LAMBDA_MINIFY !== '0',
  splitting: false,
  sourcemap: false,
  dts: false,
  noExternal: [/.*/],
  // CommonJS parts of the SDK call require(): give the ESM bundle one.
  banner: {
    js: "import{createRequire as __eksKitCreateRequire}from'node:module';const require=__eksKitCreateRequire(import.meta.url);",
  },
} satisfies Options;

export default defineConfig([
  {
    // The Lambda's code: minified ESM with every dependency (SDK clients included), split (issue 21):
    // `index.mjs` and the chunks it imports are what a cold start compiles (the SDK clients, the handler,
    // Powertools); `run-checks-*.mjs` (src/run/run-checks.ts: the checks, every @eks-kit procedure they
    // run and their SDK commands) is imported at the first invocation, while its first reads are in
    // flight; the SDK's own lazy imports stay files of their own: the SSO, INI, process, web-identity,
    // container and Cognito credential providers are never loaded (a Lambda's credentials are in its
    // environment); the STS client of fromTemporaryCredentials is, at a run's first AssumeRole (README).
    // The deploy step zips every .mjs of dist/ (scripts/function-files.mjs). What each plugin leaves
    // out, and why that is safe: tools/esbuild-plugins/src/*.ts (shared with the CLI),
    // build/iam-data-left-out.ts (this bundle only) and the README.
    ...functionBuild,
    // EKS_KIT_LAMBDA_ENTRY: another entry for a variant the lambda-init bench builds and measures, never
    // deployed (one that imports the SDK and Powertools at INIT and the handler at the first invocation:
    // docs/PERFORMANCE.md, "The floor with the Logger"); its bare imports resolve from this package and core.
    entry: { index: process.env.EKS_KIT_LAMBDA_ENTRY ?? 'src/lambda.ts' },
    ...(process.env.EKS_KIT_LAMBDA_ENTRY
      ? {
          esbuildOptions(options: { nodePaths?: string[] }) {
            options.nodePaths = [
              fileURLToPath(new URL('./node_modules', import.meta.url)),
              fileURLToPath(new URL('../../packages/core/node_modules', import.meta.url)),
            ];
          },
        }
      : {}),
    splitting: true,
    esbuildPlugins: [
      stackLoaderBeside,
      // Before staticCoreImports: the Step Functions client of core's table is never called here.
      sfnLeftOut,
      // The SDK clients in the files a cold start imports (static), or each loaded by core at its first
      // use (EKS_KIT_LAMBDA_CLIENTS=lazy: a variant the lambda-init bench builds and measures, never deployed:
      // docs/PERFORMANCE.md, "The Lambda under its CPU share").
      process.env.EKS_KIT_LAMBDA_CLIENTS === 'lazy' ? lazyCoreImports : staticCoreImports,
      sdkSchemaConstantKeys,
      iamDataLeftOut,
      browserOnlyStubs,
      yamlEsmBuild,
      yamlWithoutSideEffects,
    ],
    // EKS_KIT_METAFILE=1 pnpm build writes dist/metafile-esm.json (what each input adds: scripts/bundle-contents.mjs).
    metafile: process.env.EKS_KIT_METAFILE === '1',
  },
  {
    // The stack validator and YAML reader (load-stack.ts), a file of its own in the function's code, loaded
    // only for a stack the deploy step did not validate as it is. It holds its own copy of what it uses
    // (zod, yaml, the stack rules, core's errors).
    ...functionBuild,
    entry: { 'stack-loader': 'src/config/stack-loader.ts' },
    esbuildPlugins: [noAwsSdk, staticCoreImports, browserOnlyStubs, yamlEsmBuild],
  },
  {
    // Tools run from the repository (template rendering); not part of the function.
    entry: { 'tools/render-template': 'src/bin/render-template.ts' },
    outDir: functionBuild.outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    splitting: false,
    sourcemap: true,
    dts: false,
    banner: {
      js: "import{createRequire as __eksKitCreateRequire}from'node:module';const require=__eksKitCreateRequire(import.meta.url);",
    },
  },
]);
