// The Lambda bundle's import time beside a "floor" bundle holding only the SDK clients it uses (goal <= 1.1x).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { interleaved, ms, ratio } from './util.mjs';

// The SDK clients the checks Lambda uses (its checks plus SSM for the stack parameter, SNS for alerts, STS to assume roles, Organizations to list an organisation's accounts).
const CLIENTS = {
  '@aws-sdk/client-acm': 'ACMClient',
  '@aws-sdk/client-auto-scaling': 'AutoScalingClient',
  '@aws-sdk/client-ec2': 'EC2Client',
  '@aws-sdk/client-ecr': 'ECRClient',
  '@aws-sdk/client-eks': 'EKSClient',
  '@aws-sdk/client-iam': 'IAMClient',
  '@aws-sdk/client-organizations': 'OrganizationsClient',
  '@aws-sdk/client-route-53': 'Route53Client',
  '@aws-sdk/client-sns': 'SNSClient',
  '@aws-sdk/client-ssm': 'SSMClient',
  '@aws-sdk/client-sts': 'STSClient',
};

export async function run({ quick, root }) {
  const lambda = join(root, 'apps/checks-lambda/dist/index.mjs');
  if (!existsSync(lambda)) throw new Error(`build the Lambda first: ${lambda} is missing`);
  const text = readFileSync(lambda, 'utf8');
  // Only clients the bundle really contains count towards the floor.
  const used = Object.entries(CLIENTS).filter(([, cls]) => text.includes(cls));
  const dir = mkdtempSync(join(tmpdir(), 'eks-kit-floor-'));
  const entry = join(dir, 'floor.mjs');
  writeFileSync(
    entry,
    `${used.map(([pkg, cls], i) => `import { ${cls} as C${i} } from '${pkg}';`).join('\n')}\nexport const clients = [${used.map((_, i) => `C${i}`).join(', ')}];\n`,
  );
  const floor = join(dir, 'floor.bundle.mjs');
  // Build the floor the way the Lambda is built (ESM builds of the SDK, the same SDK schema and
  // browser-stub plugins), so it holds the clients and nothing else, not the clients whole.
  const plugins = await lambdaBuildPlugins(root, dir);
  await build({
    mainFields: ['module', 'main'],
    plugins,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile: floor,
    nodePaths: [join(root, 'packages/core/node_modules'), join(root, 'apps/checks-lambda/node_modules')],
    logLevel: 'silent',
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  });
  const importOf = (file) => ({
    cmd: process.execPath,
    args: ['--input-type=module', '-e', `await import(${JSON.stringify(file)})`],
  });
  const rounds = quick ? 5 : 21;
  const [nodeMs, floorMs, lambdaMs] = interleaved(
    [{ cmd: process.execPath, args: ['-e', '0'] }, importOf(floor), importOf(lambda)],
    rounds,
  );
  return {
    rows: [
      { what: 'node -e 0', median: ms(nodeMs), 'import only': '-' },
      {
        what: `floor: ${used.length} SDK clients only`,
        median: ms(floorMs),
        'import only': ms(floorMs - nodeMs),
      },
      { what: 'checks Lambda bundle', median: ms(lambdaMs), 'import only': ms(lambdaMs - nodeMs) },
      {
        what: 'Lambda / floor (import only)',
        median: ratio(lambdaMs - nodeMs, floorMs - nodeMs),
        'import only': 'goal <= 1.10x',
      },
    ],
    clients: used.map(([pkg]) => pkg),
    mediansMs: { node: nodeMs, floor: floorMs, lambda: lambdaMs },
    ratio: (lambdaMs - nodeMs) / (floorMs - nodeMs),
  };
}

/** The Lambda's SDK-related esbuild plugins (TypeScript in tools/esbuild-plugins), compiled for this run. */
async function lambdaBuildPlugins(root, dir) {
  const out = join(dir, 'plugins.mjs');
  writeFileSync(
    join(dir, 'plugins-entry.ts'),
    [
      `export { sdkSchemaConstantKeys } from ${JSON.stringify(join(root, 'tools/esbuild-plugins/src/sdk-schema-constant-keys.ts'))};`,
      `export { browserOnlyStubs } from ${JSON.stringify(join(root, 'tools/esbuild-plugins/src/browser-only-stubs.ts'))};`,
    ].join('\n'),
  );
  await build({
    entryPoints: [join(dir, 'plugins-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'silent',
    packages: 'external',
  });
  const mod = await import(out);
  return [mod.sdkSchemaConstantKeys, mod.browserOnlyStubs];
}
