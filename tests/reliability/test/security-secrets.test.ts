/**
 * Security (a): no token or secret in any log, error or stdout. Every output of the CLI runs below
 * and every error, event and printed result of the library runs is collected, then scanned for each
 * ECR password and authorization token the emulator issued (read from its state) and for the secret
 * access keys used. `ecr login --password-stdout` is the one place a password may appear, and it is
 * the positive control that the scan finds one.
 */

import { execFile } from 'node:child_process';
import { Console } from 'node:console';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, inspect } from 'node:util';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, createClients } from '@eks-kit/core';
import { checkPushAccess, getDockerAuth, registryHostFor } from '@eks-kit/ecr-credentials';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, CREDENTIALS, emulatorClients, REGION, startTestEmulator } from './support/emulator.js';
import { issuedEcrSecrets, LeakScanner, type Secret } from './support/leak-scanner.js';
import { type CliRun, makeWorkDir, NETWORK_GUARD, runCli, writeStack } from './support/run-cli.js';
import { seedStack } from './support/targets.js';

const DENIED = {
  accessKeyId: 'AKIDDENIEDRELIABLE',
  secretAccessKey: 'deniedSecretKey0123456789abcdefGHIJKLMN',
};
const REGISTRY = registryHostFor(ACCOUNT_ID, REGION);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('security: no token or secret in any output', () => {
  let emu: Emulator;
  let clients: AwsClients;
  let stackPath: string;
  const home = makeWorkDir();
  const scanner = new LeakScanner();
  const passwordsPrinted: string[] = [];
  const seed = seedStack();

  const secrets = (): Secret[] => [
    ...issuedEcrSecrets(emu.state),
    { name: 'secret access key', value: CREDENTIALS.secretAccessKey },
    { name: 'secret access key (denied caller)', value: DENIED.secretAccessKey },
  ];
  const cli = async (args: string[], env: Record<string, string> = {}): Promise<CliRun> => {
    const run = await runCli([...args, '-f', stackPath, '--endpoint-url', emu.url], home, env);
    scanner.record(`eks-kit ${args.join(' ')} stdout`, run.stdout);
    scanner.record(`eks-kit ${args.join(' ')} stderr`, run.stderr);
    return run;
  };
  const asDenied = { AWS_ACCESS_KEY_ID: DENIED.accessKeyId, AWS_SECRET_ACCESS_KEY: DENIED.secretAccessKey };

  beforeAll(async () => {
    emu = await startTestEmulator({
      ...seed.world,
      identities: {
        [DENIED.accessKeyId]: {
          arn: `arn:aws:iam::${ACCOUNT_ID}:user/denied`,
          deny: [
            'ecr:GetAuthorizationToken',
            'autoscaling:DescribeAutoScalingGroups',
            'ecr:InitiateLayerUpload',
          ],
        },
      },
    });
    clients = await emulatorClients(emu);
    stackPath = writeStack(home, 'eks-kit.yaml', seed.stackText);
  });
  afterAll(async () => {
    clients.destroy();
    await emu.stop();
  });

  it('CLI: apply, plan, check, ecr login/check-push/docker-config, render (with --json and --verbose) exit as expected', async () => {
    expect((await cli(['apply', '--yes', '--no-wait', '--verbose'])).code).toBe(0);
    expect((await cli(['plan', '--detailed-exitcode'])).code).toBe(0);
    expect((await cli(['plan', '--json'])).code).toBe(0);
    expect([0, 2]).toContain((await cli(['check'])).code);
    expect([0, 2]).toContain((await cli(['check', '--json', '--verbose'])).code);
    const login = await cli(['ecr', 'login']);
    expect(login.code).toBe(0);
    expect((await cli(['ecr', 'login', '--json'])).code).toBe(0);
    expect((await cli(['ecr', 'check-push'])).code).toBe(0);
    expect((await cli(['ecr', 'check-push', '--json', '--verbose'])).code).toBe(0);
    expect((await cli(['ecr', 'docker-config'])).code).toBe(0);
    expect((await cli(['render', '--out', join(home, 'deploy')])).code).toBe(0);
    for (const file of filesUnder(join(home, 'deploy')))
      scanner.record(`rendered ${file}`, readFileSync(file, 'utf8'));
  });

  it('checks Lambda: the bundle apps/checks-lambda/dist/index.mjs run as Lambda runs it, its JSON logs and EMF scanned', async () => {
    const bundle = fileURLToPath(new URL('../../../apps/checks-lambda/dist/index.mjs', import.meta.url));
    expect(existsSync(bundle), 'pnpm --filter @eks-kit/checks-lambda build').toBe(true);
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
const summary = await handler({ 'detail-type': 'Scheduled Event' }, { getRemainingTimeInMillis: () => 120000 });
process.stdout.write('SUMMARY ' + JSON.stringify(summary) + '\\n');`;
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [`--import=${pathToFileURL(NETWORK_GUARD).href}`, '--input-type=module', '-e', script],
        {
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: home,
            EKS_KIT_STACK: seed.stackText,
            AWS_REGION: REGION,
            AWS_ENDPOINT_URL: emu.url,
            AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
            RELIABILITY_NETWORK_LOG: join(home, 'network-attempts.log'),
          },
          maxBuffer: 16 * 1024 * 1024,
          timeout: 60_000,
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number(error.code ?? 1) : 0,
            stdout: String(stdout),
            stderr: String(stderr),
          }),
      );
    });
    scanner.record('checks Lambda stdout', run.stdout);
    scanner.record('checks Lambda stderr', run.stderr);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('SUMMARY ');
  });

  it('CLI: refused calls (AccessDenied on GetAuthorizationToken, DescribeAutoScalingGroups) print no secret', async () => {
    const denied = await cli(['ecr', 'login'], asDenied);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/ecr:GetAuthorizationToken/);
    expect((await cli(['ecr', 'check-push'], asDenied)).code).toBe(2);
    const apply = await cli(['apply', '--yes', '--no-wait'], asDenied);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/autoscaling:DescribeAutoScalingGroups/);
  });

  it('CLI: ecr login --password-stdout prints exactly an issued password, and the scan finds it (positive control)', async () => {
    const run = await runCli(
      ['ecr', 'login', '--password-stdout', '-f', stackPath, '--endpoint-url', emu.url],
      home,
    );
    expect(run.code).toBe(0);
    scanner.record('eks-kit ecr login --password-stdout stderr', run.stderr);
    passwordsPrinted.push(run.stdout.trim());
    const issued = issuedEcrSecrets(emu.state).map((s) => s.value);
    expect(issued).toContain(run.stdout.trim());
    const control = new LeakScanner();
    control.record('password-stdout', run.stdout);
    expect(control.scan(issuedEcrSecrets(emu.state)).length).toBeGreaterThan(0);
  });

  it('library: getDockerAuth printed with console.log/util.inspect/JSON.stringify/String/spread shows no password', async () => {
    const auth = await getDockerAuth(clients, { registry: REGISTRY });
    expect(auth.password.length).toBeGreaterThan(8);
    const printed: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        printed.push(String(chunk));
        done();
      },
    });
    const console = new Console({ stdout: sink, stderr: sink });
    console.log(auth);
    console.log('auth: %o', auth);
    console.error({ auth });
    console.dir(auth, { depth: 8, showHidden: true });
    console.table([auth]);
    scanner.record('console.log/error/dir/table(auth)', printed.join(''));
    expect(printed.join('')).toContain('DockerAuth');
    scanner.record('inspect(auth)', inspect(auth, { depth: 8, showHidden: true }));
    scanner.record('format %o', format('%o', auth));
    scanner.record('format %s %j', format('%s %j', auth, auth));
    scanner.record('JSON.stringify(auth)', JSON.stringify(auth));
    scanner.record('String(auth)', String(auth));
    scanner.record('template literal', `${auth}`);
    scanner.record('spread', inspect({ ...auth }));
    scanner.record('Object.entries', JSON.stringify(Object.entries(auth)));
    scanner.record('in an error', new Error(`login failed for ${auth}`));
  });

  it('library: checkPushAccess findings and events (ok and denied) show no token', async () => {
    const ok = await checkPushAccess(clients, {
      registry: REGISTRY,
      repository: 'seed/app',
      registryEndpoint: emu.url,
    });
    scanner.record('checkPushAccess ok', ok);
    expect(ok.every((f) => f.status !== 'fail')).toBe(true);
    const deniedClients = await createClients({
      region: REGION,
      endpoint: emu.url,
      credentials: DENIED,
      maxAttempts: 1,
    });
    try {
      const denied = await checkPushAccess(deniedClients, {
        registry: REGISTRY,
        repository: 'seed/app',
        registryEndpoint: emu.url,
      });
      scanner.record('checkPushAccess denied', denied);
      expect(denied.some((f) => f.status === 'fail')).toBe(true);
      const error = await getDockerAuth(deniedClients, { registry: REGISTRY }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      scanner.record('getDockerAuth denied error', error);
    } finally {
      deniedClients.destroy();
    }
  });

  it('library: errors under 5xx faults show no secret', async () => {
    const flaky = await createClients({
      region: REGION,
      endpoint: emu.url,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      emu.setFaults([{ service: 'ecr', kind: 'error5xx', count: 1 }]);
      const error = await getDockerAuth(flaky, { registry: REGISTRY }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      scanner.record('getDockerAuth 5xx error', error);
    } finally {
      emu.setFaults([]);
      flaky.destroy();
    }
  });

  it('the scan: every issued token and secret key, in every output collected above: none found', () => {
    const all = secrets();
    expect(all.filter((s) => s.name.startsWith('ecr password')).length).toBeGreaterThanOrEqual(4);
    expect(scanner.transcripts.length).toBeGreaterThan(30);
    expect(scanner.scan(all)).toEqual([]);
    // and no CLI run sent anything (a token in an Authorization header included) beyond 127.0.0.1
    const attempts = join(home, 'network-attempts.log');
    expect(existsSync(attempts) ? readFileSync(attempts, 'utf8') : '').toBe('');
    // the password printed on purpose was issued by the emulator and is therefore in the list scanned for
    expect(all.map((s) => s.value)).toEqual(expect.arrayContaining(passwordsPrinted));
  });
});
