import { defineConfig } from 'tsup';
import { iamDataLeftOut } from './build/iam-data-left-out.js';
import { sfnLeftOut } from './build/sfn-left-out.js';
import {
  browserOnlyStubs,
  sdkSchemaConstantKeys,
  staticCoreImports,
  yamlEsmBuild,
} from './build/shared-plugins.js';

export default defineConfig([
  {
    // The Lambda bundle: ONE minified ESM file with every dependency (SDK clients included), no code
    // splitting. What each plugin leaves out, and why that is safe: tools/esbuild-plugins/src/*.ts (shared with
    // the CLI), build/iam-data-left-out.ts (this bundle only) and the README.
    entry: { index: 'src/lambda.ts' },
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    platform: 'node',
    target: 'node22',
    minify: true,
    splitting: false,
    sourcemap: false,
    dts: false,
    noExternal: [/.*/],
    esbuildPlugins: [
      // Before staticCoreImports: the Step Functions client of core's table is never called here.
      sfnLeftOut,
      staticCoreImports,
      sdkSchemaConstantKeys,
      iamDataLeftOut,
      browserOnlyStubs,
      yamlEsmBuild,
    ],
    // EKS_KIT_METAFILE=1 pnpm build writes dist/metafile-esm.json (what each input adds: scripts/bundle-contents.mjs).
    metafile: process.env.EKS_KIT_METAFILE === '1',
    // CommonJS parts of the SDK call require(): give the ESM bundle one.
    banner: {
      js: "import{createRequire as __eksKitCreateRequire}from'node:module';const require=__eksKitCreateRequire(import.meta.url);",
    },
  },
  {
    // Tools run from the repository (template rendering); not part of the function.
    entry: { 'tools/render-template': 'src/bin/render-template.ts' },
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
