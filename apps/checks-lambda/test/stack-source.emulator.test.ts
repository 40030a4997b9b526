/**
 * How the stack reaches the function (issue 21): the JSON the deploy template stores with its digest
 * (read with JSON.parse, the validator not loaded), a stack edited by hand in SSM (validated in full:
 * a bad one is refused naming the field, before any check), and the YAML of older deploys (still read,
 * with a warning). The last tests run the built files as Lambda does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients, InvalidInputError } from '@eks-kit/core';
import {
  parseStack,
  type parseStackJson,
  type readStackYaml,
  type Stack,
  stackDigest,
  type validateStackData,
} from '@eks-kit/stack';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checksDeployTemplate, createChecksHandler, stackCheckTasks } from '../src/index.js';
import { captureOutput } from './fixtures/capture-output.js';
import { copyFunction, invokeBundle } from './fixtures/run-bundle.js';
import { fixtureStack, fixtureText } from './fixtures/stack-files.js';
import { fixtureWorld, REGION } from './fixtures/world.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const context = { getRemainingTimeInMillis: () => 300_000 };
const JSON_PARAMETER = '/eks-kit/lambda-test/stack-json';
let emu: Emulator;
let admin: AwsClients;
let stack: Stack;
/** What the deploy template puts in the function's environment for the fixture stack. */
let deployed: { json: string; digest: string };

beforeAll(async () => {
  emu = (await startTestEmulator({ seed: fixtureWorld() })).emulator;
  admin = await createClients({ region: REGION, endpoint: emu.url, credentials, maxAttempts: 1 });
  stack = fixtureStack();
  const fn = Object.values(checksDeployTemplate(stack).Resources).find(
    (r) => r.Type === 'AWS::Serverless::Function',
  ) as unknown as { Properties: { Environment: { Variables: Record<string, string> } } };
  const vars = fn.Properties.Environment.Variables;
  deployed = { json: vars.EKS_KIT_STACK as string, digest: vars.EKS_KIT_STACK_SHA256 as string };
});
afterAll(async () => {
  admin?.destroy();
  await emu?.stop();
});
beforeEach(() => emu.resetCalls());

async function putStackParameter(value: string): Promise<void> {
  const ssm = await admin.ssm();
  await ssm.send(
    new PutParameterCommand({ Name: JSON_PARAMETER, Value: value, Type: 'String', Overwrite: true }),
  );
  emu.resetCalls();
}

/** Run the handler from source; counts how many times it asked for the stack's checks. */
async function run(env: Record<string, string>) {
  let checkTaskCalls = 0;
  const handler = createChecksHandler({
    env: { AWS_REGION: REGION, AWS_ENDPOINT_URL: emu.url, ...env },
    clientOptions: { credentials, maxAttempts: 1 },
    checkTasks: (s) => {
      checkTaskCalls++;
      return stackCheckTasks(s);
    },
  });
  const out = await captureOutput(() => handler({}, context).catch((error: unknown) => error));
  return { ...out, checkTaskCalls };
}

describe('the stack as the deploy template stores it', () => {
  it('is JSON of the validated stack with its digest, and runs the checks', async () => {
    expect(JSON.parse(deployed.json)).toEqual(JSON.parse(JSON.stringify(stack)));
    expect(deployed.digest).toBe(stackDigest(deployed.json));
    const { result, lines, checkTaskCalls } = await run({
      EKS_KIT_STACK: deployed.json,
      EKS_KIT_STACK_SHA256: deployed.digest,
    });
    expect(result).toMatchObject({ stack: 'lambda-test', checkErrors: 0 });
    expect(checkTaskCalls).toBe(1);
    expect(lines.filter((l) => String(l.message).includes('YAML'))).toEqual([]);
  });

  it('is read from SSM the same way (the template parameter for a stack over 3.5 KB)', async () => {
    await putStackParameter(deployed.json);
    const { result } = await run({
      EKS_KIT_STACK_PARAMETER: JSON_PARAMETER,
      EKS_KIT_STACK_SHA256: deployed.digest,
    });
    expect(result).toMatchObject({ stack: 'lambda-test', checkErrors: 0 });
  });

  it('refuses a digest that is not 64 hex digits, naming the variable, before any AWS call', async () => {
    const { result } = await run({ EKS_KIT_STACK: deployed.json, EKS_KIT_STACK_SHA256: 'abc' });
    expect(result).toBeInstanceOf(InvalidInputError);
    expect((result as InvalidInputError).field).toBe('EKS_KIT_STACK_SHA256');
    expect(emu.calls()).toEqual([]);
  });
});

describe('a stack edited by hand in SSM (the digest no longer matches)', () => {
  it('refuses a bad value with one line naming the parameter and the field, and calls no check', async () => {
    const edited = JSON.parse(deployed.json) as { cluster: Record<string, unknown> };
    edited.cluster.region = 'nowhere-1';
    await putStackParameter(JSON.stringify(edited, null, 2));
    const { result, lines, checkTaskCalls } = await run({
      EKS_KIT_STACK_PARAMETER: JSON_PARAMETER,
      EKS_KIT_STACK_SHA256: deployed.digest,
    });
    expect(result).toBeInstanceOf(InvalidInputError);
    const message = (result as InvalidInputError).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^ssm:\/eks-kit\/lambda-test\/stack-json: cluster\.region: expected /);
    expect((result as InvalidInputError).field).toBe('cluster.region');
    expect(checkTaskCalls).toBe(0);
    expect(emu.calls().map((c) => `${c.service}:${c.operation}`)).toEqual(['ssm:GetParameter']);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'eks-kit checks could not run' }),
    ]);
  });

  it('accepts a valid edit: validated in full, then checked', async () => {
    const edited = JSON.parse(deployed.json) as { checks: { warnDays: number } };
    edited.checks.warnDays += 1;
    await putStackParameter(JSON.stringify(edited));
    const { result, checkTaskCalls } = await run({
      EKS_KIT_STACK_PARAMETER: JSON_PARAMETER,
      EKS_KIT_STACK_SHA256: deployed.digest,
    });
    expect(result).toMatchObject({ stack: 'lambda-test', checkErrors: 0 });
    expect(checkTaskCalls).toBe(1);
  });

  it('validates JSON without a digest too (a stack set by hand)', async () => {
    const { result } = await run({
      EKS_KIT_STACK: deployed.json.replace('"name":"lambda-test"', '"name":"x y"'),
    });
    expect(result).toBeInstanceOf(InvalidInputError);
    expect((result as InvalidInputError).message).toMatch(/^EKS_KIT_STACK: name: expected a stack name/);
  });
});

describe('a YAML stack (hand-written, or a template older than the JSON one)', () => {
  it('is still read, with a warning asking to redeploy', async () => {
    await putStackParameter(fixtureText());
    const { result, lines } = await run({ EKS_KIT_STACK_PARAMETER: JSON_PARAMETER });
    expect(result).toMatchObject({ stack: 'lambda-test', checkErrors: 0 });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: expect.stringMatching(
          /^the stack in ssm:\/eks-kit\/lambda-test\/stack-json is YAML: .*redeploy/,
        ),
      }),
    );
  });

  it('names the field and its line when invalid', async () => {
    const { result } = await run({
      EKS_KIT_STACK: 'name: x\ncluster:\n  name: x\n  region: nowhere\n  kubernetesVersion: "1.35"\n',
    });
    expect(result).toBeInstanceOf(InvalidInputError);
    expect((result as InvalidInputError).message).toMatch(/^EKS_KIT_STACK:4: cluster\.region: /);
  });
});

describe('the built files', () => {
  const env = () => ({
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: emu.url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
  });

  it('index.mjs alone runs the deployed JSON stack: the validator file is not loaded', async () => {
    // The function copied without stack-loader.mjs: a run that needed the validator would fail to import it.
    const dir = mkdtempSync(join(tmpdir(), 'eks-kit-lambda-alone-'));
    try {
      const alone = copyFunction(dir, (name) => name === 'stack-loader.mjs');
      const ok = await invokeBundle(
        { ...env(), EKS_KIT_STACK: deployed.json, EKS_KIT_STACK_SHA256: deployed.digest },
        alone,
      );
      expect(ok.summary).toMatchObject({ stack: 'lambda-test', checkErrors: 0 });
      // The same file given a stack to validate does need stack-loader.mjs (so the test can fail).
      await expect(invokeBundle({ ...env(), EKS_KIT_STACK: deployed.json }, alone)).rejects.toThrow(
        /stack-loader\.mjs/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stack-loader.mjs (built without the AWS SDK) validates the examples as the source does', async () => {
    const loader = (await import(new URL('../dist/stack-loader.mjs', import.meta.url).href)) as {
      readStackYaml: typeof readStackYaml;
      validateStackData: typeof validateStackData;
      parseStackJson: typeof parseStackJson;
    };
    for (const file of ['seed', 'cross-account']) {
      const text = readFileSync(new URL(`../../../examples/${file}/eks-kit.yaml`, import.meta.url), 'utf8');
      const { data, ...where } = loader.readStackYaml(text, 'eks-kit.yaml');
      const built = loader.validateStackData(data, where);
      expect(built).toEqual(parseStack(text, 'eks-kit.yaml'));
      expect(loader.parseStackJson(JSON.stringify(built), 'EKS_KIT_STACK')).toEqual(built);
    }
    const bad = fixtureText().replace(/^( {2}region: ).*$/m, '$1nowhere-1');
    expect(bad).not.toBe(fixtureText());
    const parts = loader.readStackYaml(bad, 'EKS_KIT_STACK');
    expect(() => loader.validateStackData(parts.data, parts)).toThrow(
      (() => {
        try {
          parseStack(bad, 'EKS_KIT_STACK');
        } catch (error) {
          return (error as Error).message;
        }
        return 'no error';
      })(),
    );
  });

  it('index.mjs with stack-loader.mjs beside it reads YAML and refuses a bad edit naming the field', async () => {
    const yaml = await invokeBundle({ ...env(), EKS_KIT_STACK: fixtureText() });
    expect(yaml.summary).toMatchObject({ stack: 'lambda-test', checkErrors: 0 });
    const bad = deployed.json.replace(`"region":"${REGION}"`, '"region":"nowhere-1"');
    expect(bad).not.toBe(deployed.json);
    await expect(
      invokeBundle({ ...env(), EKS_KIT_STACK: bad, EKS_KIT_STACK_SHA256: deployed.digest }),
    ).rejects.toThrow(/EKS_KIT_STACK: cluster\.region: expected /);
  });
});
