import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/** The client class each SDK package exports. */
const CLIENT_CLASSES: Record<string, string> = {
  '@aws-sdk/client-acm': 'ACMClient',
  '@aws-sdk/client-auto-scaling': 'AutoScalingClient',
  '@aws-sdk/client-ec2': 'EC2Client',
  '@aws-sdk/client-ecr': 'ECRClient',
  '@aws-sdk/client-eks': 'EKSClient',
  '@aws-sdk/client-iam': 'IAMClient',
  '@aws-sdk/client-route-53': 'Route53Client',
  '@aws-sdk/client-sns': 'SNSClient',
  '@aws-sdk/client-ssm': 'SSMClient',
  '@aws-sdk/client-sts': 'STSClient',
};

/**
 * core's `createClients` loads each client with `await import('@aws-sdk/client-x')`, which makes esbuild
 * keep every command of the package. It only uses the client class: import just that, so the commands
 * the checks import statically are the only ones bundled.
 */
const clientClassOnly: Plugin = {
  name: 'eks-kit-client-class-only',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/client-[a-z0-9-]+$/ }, (args) => {
      const name = CLIENT_CLASSES[args.path];
      if (args.kind !== 'dynamic-import' || !name || !/[\\/]core[\\/]dist[\\/]/.test(args.importer))
        return undefined;
      return {
        path: args.path,
        namespace: 'eks-kit-client-class',
        pluginData: { resolveDir: args.resolveDir },
      };
    });
    build.onLoad({ filter: /.*/, namespace: 'eks-kit-client-class' }, (args) => ({
      contents: `export { ${CLIENT_CLASSES[args.path]} } from '${args.path}';`,
      loader: 'js',
      resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
    }));
  },
};

/**
 * zod's `z` namespace re-exports every locale (~200 KB minified) although only the default English one
 * is used: keep `en` only.
 */
const zodEnglishOnly: Plugin = {
  name: 'eks-kit-zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
  },
};

export default defineConfig([
  {
    // The Lambda bundle: ONE minified ESM file with every dependency (SDK clients included), no code splitting.
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
    esbuildPlugins: [clientClassOnly, zodEnglishOnly],
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
  },
]);
