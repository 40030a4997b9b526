/**
 * `node dist/tools/render-template.js --stack eks-kit.yaml [--account-id ID] [--out template.yaml]`:
 * write the SAM template for a stack file.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EksKitError, EXIT_CODES, formatError, InvalidInputError, nearestName } from '@eks-kit/core';
import { loadStack } from '@eks-kit/stack';
import { renderDeployTemplate } from '../template/deploy-template.js';

const USAGE =
  'usage: render-template --stack eks-kit.yaml [--account-id 111111111111] [--stack-parameter /eks-kit/prod/stack] [--assume-role-arns arn1,arn2] [--code-uri dist] [--schedule "rate(1 day)"] [--heartbeat-hours 26] [--organization-role eks-kit-checks [--organization-units ou-ab12-prod0001,...] [--regions eu-west-1,...] [--batch-concurrency 4] [--target-concurrency 16] [--seconds-per-target 30]] [--out template.yaml]';

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const OPTIONS = {
  stack: { type: 'string' },
  'account-id': { type: 'string' },
  'stack-parameter': { type: 'string' },
  'assume-role-arns': { type: 'string' },
  'code-uri': { type: 'string' },
  schedule: { type: 'string' },
  'heartbeat-hours': { type: 'string' },
  'organization-role': { type: 'string' },
  'organization-units': { type: 'string' },
  regions: { type: 'string' },
  'batch-concurrency': { type: 'string' },
  'target-concurrency': { type: 'string' },
  'seconds-per-target': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Options that mean something only with `--organization-role` (targets from AWS Organizations). */
const ORGANIZATION_ONLY_OPTIONS = [
  'organization-units',
  'regions',
  'batch-concurrency',
  'target-concurrency',
  'seconds-per-target',
] as const;

/** The option each template field comes from, so that an error names what the user typed. */
const OPTION_OF_FIELD: Record<string, string> = {
  accountId: '--account-id',
  stackParameterName: '--stack-parameter',
  assumeRoleArns: '--assume-role-arns',
  codeUri: '--code-uri',
  schedule: '--schedule',
  heartbeatHours: '--heartbeat-hours',
  'organization.roleName': '--organization-role',
  'organization.organizationalUnits': '--organization-units',
  'organization.regions': '--regions',
  'organization.batchConcurrency': '--batch-concurrency',
  'organization.targetConcurrency': '--target-concurrency',
  'organization.secondsPerTarget': '--seconds-per-target',
};

/** A command-line mistake: one line, exit 64 (invalid input), as the CLI's. */
class UsageError extends EksKitError {
  constructor(message: string, hint?: string) {
    super('InvalidInput', message, hint ? { hint } : {});
    this.name = 'UsageError';
  }
  override get exitCode(): number {
    return EXIT_CODES.invalidInput;
  }
}

/** `parseArgs` with its errors as one line naming the option (and the nearest known one for a typo). */
function parseOptions(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS }).values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const typed = /'(-[^']*)'/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && typed) {
      const nearest = nearestName(typed.replace(/^-+/, '').split('=')[0] ?? typed, Object.keys(OPTIONS), {
        maxDistance: 2,
      });
      throw new UsageError(
        `unknown option '${typed}'`,
        nearest ? `did you mean --${nearest}?` : 'render-template --help lists the options',
      );
    }
    throw new UsageError(
      (error as Error).message.split('\n')[0] ?? String(error),
      'render-template --help lists the options',
    );
  }
}

/** A whole-number option: the text as typed when it is not one (not `NaN`); the range is the template's. */
function wholeOption(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidInputError(flag, text, 'a whole number');
  return Number(text);
}

/** Rename a template field in an error to the option it came from (`organization.regions[1]` -> `--regions[1]`). */
function asOptionError(error: unknown): unknown {
  if (!(error instanceof InvalidInputError)) return error;
  const match = /^([A-Za-z.]+)(\[\d+\])?$/.exec(error.field);
  const flag = match ? OPTION_OF_FIELD[match[1] as string] : undefined;
  if (!flag) return error;
  return new InvalidInputError(`${flag}${match?.[2] ?? ''}`, error.value, error.expected, {
    ...(error.hint ? { hint: error.hint } : {}),
    cause: error,
  });
}

async function main(): Promise<number> {
  const values = parseOptions(process.argv.slice(2));
  if (values.help) {
    console.error(USAGE);
    return 0;
  }
  if (!values.stack) throw new UsageError('--stack: required (the stack file, e.g. --stack eks-kit.yaml)');
  if (!values['organization-role']) {
    const stray = ORGANIZATION_ONLY_OPTIONS.find((k) => values[k] !== undefined);
    if (stray)
      throw new UsageError(
        `--${stray}: only with --organization-role (it sets how the accounts of an AWS organisation are checked)`,
        'add --organization-role NAME (the role to assume in each account), or leave the option out',
      );
  }
  const number = (
    k: 'heartbeat-hours' | 'batch-concurrency' | 'target-concurrency' | 'seconds-per-target',
  ) => (values[k] === undefined ? undefined : wholeOption(`--${k}`, values[k]));
  const heartbeatHours = number('heartbeat-hours');
  const batchConcurrency = number('batch-concurrency');
  const targetConcurrency = number('target-concurrency');
  const secondsPerTarget = number('seconds-per-target');
  const stack = await loadStack(values.stack);
  let text: string;
  try {
    text = renderDeployTemplate(stack, {
      ...(values['account-id'] ? { accountId: values['account-id'] } : {}),
      ...(values['stack-parameter'] ? { stackParameterName: values['stack-parameter'] } : {}),
      ...(values['assume-role-arns'] ? { assumeRoleArns: list(values['assume-role-arns']) } : {}),
      ...(values['code-uri'] ? { codeUri: values['code-uri'] } : {}),
      ...(values.schedule ? { schedule: values.schedule } : {}),
      ...(heartbeatHours !== undefined ? { heartbeatHours } : {}),
      ...(values['organization-role']
        ? {
            organization: {
              roleName: values['organization-role'],
              ...(values['organization-units']
                ? { organizationalUnits: list(values['organization-units']) }
                : {}),
              ...(values.regions !== undefined ? { regions: list(values.regions) } : {}),
              ...(batchConcurrency !== undefined ? { batchConcurrency } : {}),
              ...(targetConcurrency !== undefined ? { targetConcurrency } : {}),
              // Unset: the function plans from the time the last run measured (a set value always wins).
              ...(secondsPerTarget !== undefined ? { secondsPerTarget } : {}),
            },
          }
        : {}),
    });
  } catch (error) {
    throw asOptionError(error);
  }
  if (values.out) await writeFile(values.out, text);
  else process.stdout.write(text);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(formatError(error));
    process.exitCode = (error as { exitCode?: number }).exitCode ?? 1;
  },
);
