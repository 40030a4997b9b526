/**
 * `node dist/tools/render-template.js --stack eks-kit.yaml [--account-id ID] [--out template.yaml]`:
 * write the SAM template for a stack file.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatError } from '@eks-kit/core';
import { loadStack } from '@eks-kit/stack';
import { renderDeployTemplate } from '../template/deploy-template.js';

const USAGE =
  'usage: render-template --stack eks-kit.yaml [--account-id 111111111111] [--stack-parameter /eks-kit/prod/stack] [--assume-role-arns arn1,arn2] [--code-uri dist] [--schedule "rate(1 day)"] [--heartbeat-hours 26] [--organization-role eks-kit-checks [--organization-units ou-ab12-prod0001,...] [--regions eu-west-1,...] [--batch-concurrency 4] [--target-concurrency 16] [--seconds-per-target 30]] [--out template.yaml]';

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
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
    },
  });
  if (values.help || !values.stack) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const stack = await loadStack(values.stack);
  const text = renderDeployTemplate(stack, {
    ...(values['account-id'] ? { accountId: values['account-id'] } : {}),
    ...(values['stack-parameter'] ? { stackParameterName: values['stack-parameter'] } : {}),
    ...(values['assume-role-arns']
      ? { assumeRoleArns: values['assume-role-arns'].split(',').map((s) => s.trim()) }
      : {}),
    ...(values['code-uri'] ? { codeUri: values['code-uri'] } : {}),
    ...(values.schedule ? { schedule: values.schedule } : {}),
    ...(values['heartbeat-hours'] ? { heartbeatHours: Number(values['heartbeat-hours']) } : {}),
    ...(values['organization-role']
      ? {
          organization: {
            roleName: values['organization-role'],
            ...(values['organization-units']
              ? { organizationalUnits: list(values['organization-units']) }
              : {}),
            ...(values.regions ? { regions: list(values.regions) } : {}),
            ...(values['batch-concurrency'] ? { batchConcurrency: Number(values['batch-concurrency']) } : {}),
            ...(values['target-concurrency']
              ? { targetConcurrency: Number(values['target-concurrency']) }
              : {}),
            // Unset: the function plans from the time the last run measured (a set value always wins).
            ...(values['seconds-per-target']
              ? { secondsPerTarget: Number(values['seconds-per-target']) }
              : {}),
          },
        }
      : {}),
  });
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
