#!/usr/bin/env node
// Deploy the checks with AWS SAM: render the template for a stack file, then `sam deploy` it.
// Usage: pnpm --filter @eks-kit/checks-lambda deploy:sam --stack eks-kit.yaml [--alert-email ops@example.com]
//   [--alert-topic-arn ARN] [--schedule "rate(1 day)"] [--log-retention-days 30] [--account-id 111111111111]
//   [--heartbeat-hours 26] [--reminder-days 7] [--stack-parameter /eks-kit/prod/stack] [--assume-role-arns ARN,ARN] [--stack-name NAME]
//   [--organization-role eks-kit-checks [--organization-units ou-ab12-prod0001,...] [--regions eu-west-1,...] [--batch-concurrency 4] [--target-concurrency 16] [--seconds-per-target 30]]
//   [--region eu-west-1] [--profile prod] [--out template.yaml] [--dry-run]
// The bundle must be built first: pnpm --filter @eks-kit/checks-lambda... build
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { functionFiles } from './function-files.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// pnpm runs scripts in the package directory; paths given by the user are relative to where they typed.
const userDir = process.env.INIT_CWD ?? process.cwd();
const OPTIONS = {
  stack: { type: 'string' },
  'stack-name': { type: 'string' },
  'account-id': { type: 'string' },
  'alert-email': { type: 'string', default: '' },
  'alert-topic-arn': { type: 'string', default: '' },
  schedule: { type: 'string', default: 'rate(1 day)' },
  'heartbeat-hours': { type: 'string' },
  'reminder-days': { type: 'string' },
  'log-retention-days': { type: 'string', default: '30' },
  'stack-parameter': { type: 'string' },
  'assume-role-arns': { type: 'string' },
  'organization-role': { type: 'string' },
  'organization-units': { type: 'string' },
  regions: { type: 'string' },
  'batch-concurrency': { type: 'string' },
  'target-concurrency': { type: 'string' },
  // Pins EKS_KIT_SECONDS_PER_TARGET; without it the plan sizes batches from the last run's measure.
  'seconds-per-target': { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  out: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
};
// Options of organisation targets: without --organization-role they would be dropped silently.
const ORGANIZATION_ONLY = [
  'organization-units',
  'regions',
  'batch-concurrency',
  'target-concurrency',
  'seconds-per-target',
];
/** Bad input: one line, exit 64 (invalid input, as the CLI's), nothing staged or run. */
function refuse(message) {
  console.error(message);
  process.exit(64);
}
const values = await (async () => {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    const typed = /'(-[^']*)'/.exec(error.message)?.[1];
    if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && typed) {
      // "Did you mean": core's rule, as the CLI's (built with the bundle; no suggestion if it is not).
      const nearest = await import('@eks-kit/core')
        .then(({ nearestName }) =>
          nearestName(typed.replace(/^-+/, '').split('=')[0], Object.keys(OPTIONS), { maxDistance: 2 }),
        )
        .catch(() => undefined);
      refuse(
        `unknown option '${typed}'${nearest ? ` (did you mean --${nearest}?)` : ''}: see the usage at the top of scripts/deploy.mjs`,
      );
    }
    refuse(`${error.message.split('\n')[0]}: see the usage at the top of scripts/deploy.mjs`);
  }
})();
if (!values.stack)
  refuse(
    '--stack: required (the stack file, e.g. --stack eks-kit.yaml): see the usage at the top of scripts/deploy.mjs',
  );
if (!values['organization-role']) {
  const stray = ORGANIZATION_ONLY.find((k) => values[k] !== undefined);
  if (stray)
    refuse(
      `--${stray}: only with --organization-role NAME (targets from AWS Organizations); add it, or leave --${stray} out`,
    );
}
// Whole numbers the renderer does not see (sam's parameter overrides): quoted as typed when not one.
for (const k of ['reminder-days', 'log-retention-days']) {
  if (values[k] !== undefined && !/^\d+$/.test(values[k]))
    refuse(`--${k}: expected a whole number, got ${JSON.stringify(values[k])}`);
}
const dist = resolve(packageDir, 'dist');
const renderer = resolve(packageDir, 'dist/tools/render-template.js');
if (
  !existsSync(resolve(dist, 'index.mjs')) ||
  !existsSync(resolve(dist, 'stack-loader.mjs')) ||
  !existsSync(renderer)
) {
  console.error('build first: pnpm --filter @eks-kit/checks-lambda... build');
  process.exit(1);
}
const template = values.out ? resolve(userDir, values.out) : resolve(packageDir, 'template.yaml');
// The function's code is every .mjs file of dist/ (scripts/function-files.mjs): index.mjs, the chunks it
// imports, the checks' code it imports at the first invocation, stack-loader.mjs. Staged in a folder of
// their own beside the template (emptied first: no chunk of an older build is zipped), so that SAM zips
// them and not the rest of dist/ (the template renderer).
const codeDir = resolve(dirname(template), '.lambda-code');
rmSync(codeDir, { recursive: true, force: true });
mkdirSync(codeDir, { recursive: true });
for (const name of functionFiles(dist)) copyFileSync(resolve(dist, name), resolve(codeDir, name));
const render = spawnSync(
  process.execPath,
  [
    renderer,
    '--stack',
    resolve(userDir, values.stack),
    '--out',
    template,
    // CodeUri is relative to the template.
    '--code-uri',
    relative(dirname(template), codeDir),
    // The heartbeat alarm's window follows the schedule (its period + 2 h), computed when rendering.
    '--schedule',
    values.schedule,
    ...(values['heartbeat-hours'] ? ['--heartbeat-hours', values['heartbeat-hours']] : []),
    ...(values['account-id'] ? ['--account-id', values['account-id']] : []),
    ...(values['stack-parameter'] ? ['--stack-parameter', values['stack-parameter']] : []),
    ...(values['assume-role-arns'] ? ['--assume-role-arns', values['assume-role-arns']] : []),
    // Targets from AWS Organizations (issue 21): the renderer adds the state machine.
    ...['organization-role', ...ORGANIZATION_ONLY].flatMap((k) => (values[k] ? [`--${k}`, values[k]] : [])),
  ],
  { stdio: 'inherit' },
);
if (render.status !== 0) process.exit(render.status ?? 1);

const stackFileName = values['stack-name'] ?? `eks-kit-checks-${stackNameOf(template)}`;
const sam = [
  'deploy',
  '--template-file',
  template,
  '--stack-name',
  stackFileName,
  // The role has a fixed name (the function's), hence CAPABILITY_NAMED_IAM.
  '--capabilities',
  'CAPABILITY_NAMED_IAM',
  '--resolve-s3',
  '--no-fail-on-empty-changeset',
  '--parameter-overrides',
  `ScheduleExpression=${values.schedule}`,
  `LogRetentionDays=${values['log-retention-days']}`,
  ...(values['reminder-days'] ? [`ReminderDays=${values['reminder-days']}`] : []),
  // Empty values keep the template's defaults (no topic).
  ...(values['alert-email'] ? [`AlertEmail=${values['alert-email']}`] : []),
  ...(values['alert-topic-arn'] ? [`AlertTopicArn=${values['alert-topic-arn']}`] : []),
  ...(values.region ? ['--region', values.region] : []),
  ...(values.profile ? ['--profile', values.profile] : []),
];
if (values['dry-run']) {
  console.log(['sam', ...sam.map((a) => (/[\s()]/.test(a) ? JSON.stringify(a) : a))].join(' '));
  process.exit(0);
}
const run = spawnSync('sam', sam, { stdio: 'inherit' });
if (run.error) {
  console.error(
    `could not run sam (${run.error.message}): install the AWS SAM CLI, or run the command printed by --dry-run`,
  );
  process.exit(1);
}
process.exit(run.status ?? 1);

function stackNameOf(file) {
  // The template's header names the stack: "# Generated by eks-kit ... for stack <name>."
  const header = spawnSync('head', ['-n', '1', file], { encoding: 'utf8' }).stdout ?? '';
  return /for stack ([A-Za-z0-9_-]+)\./.exec(header)?.[1] ?? 'stack';
}
