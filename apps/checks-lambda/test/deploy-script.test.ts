import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  dynamicImportsOf,
  functionFiles,
  importClosure,
  staticImportsOf,
} from '../scripts/function-files.mjs';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every file of `dir` the function can load, from `index.mjs` (its handler): what it imports, statically
 * or with `import()`, transitively, read from the files themselves (not from the list deploy.mjs copies).
 */
function loadableFiles(dir: string): string[] {
  const seen = new Set<string>();
  const queue = ['index.mjs'];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const text = readFileSync(join(dir, name), 'utf8');
    queue.push(...staticImportsOf(text), ...dynamicImportsOf(text));
  }
  return [...seen].sort();
}

/** Run scripts/deploy.mjs --dry-run with the fixture stack, the template written to `out`, and `flags`. */
function deployDryRun(out: string, flags: string[] = ['--schedule', 'rate(1 day)']): string {
  return execFileSync(
    process.execPath,
    ['scripts/deploy.mjs', '--stack', 'test/fixtures/stack.yaml', '--out', out, ...flags, '--dry-run'],
    { cwd: PACKAGE_DIR, encoding: 'utf8', env: { ...process.env, INIT_CWD: PACKAGE_DIR } },
  );
}

describe('scripts/deploy.mjs (the documented deploy command)', () => {
  it('renders the template beside the bundle and prints the sam deploy command with --dry-run', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eks-kit-deploy-')), 'template.yaml');
    const printed = deployDryRun(out, [
      '--alert-email',
      'ops@example.com',
      '--schedule',
      'cron(0 6 * * ? *)',
    ]).trim();
    expect(printed).toBe(
      `sam deploy --template-file ${out} --stack-name eks-kit-checks-lambda-test --capabilities CAPABILITY_NAMED_IAM --resolve-s3 --no-fail-on-empty-changeset --parameter-overrides "ScheduleExpression=cron(0 6 * * ? *)" LogRetentionDays=30 AlertEmail=ops@example.com`,
    );
    const template = parse(readFileSync(out, 'utf8')) as {
      Resources: { ChecksFunction: { Properties: { CodeUri: string; Handler: string } } };
    };
    const fn = template.Resources.ChecksFunction.Properties;
    // CodeUri is relative to the template and reaches the bundle.
    expect(readFileSync(join(out, '..', fn.CodeUri, 'index.mjs')).length).toBeGreaterThan(0);
    // Every file of the function is staged: the chunks index.mjs imports, the checks' code, stack-loader.mjs.
    const staged = join(out, '..', fn.CodeUri);
    expect(functionFiles(staged)).toEqual(functionFiles(join(PACKAGE_DIR, 'dist')));
    expect(functionFiles(staged)).toEqual(expect.arrayContaining(importClosure(staged)));
    expect(fn.Handler).toBe('index.handler');
  });

  it('stages every file the function can load, even on demand, and no file of an older build (issue 21)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eks-kit-deploy-')), 'template.yaml');
    // What an older build left in the folder SAM zips: a chunk this build no longer has.
    const codeDir = join(out, '..', '.lambda-code');
    mkdirSync(codeDir);
    writeFileSync(join(codeDir, 'chunk-OLDBUILD.mjs'), 'export const old = 1;\n');
    deployDryRun(out);
    const fn = (
      parse(readFileSync(out, 'utf8')) as {
        Resources: { ChecksFunction: { Properties: { CodeUri: string } } };
      }
    ).Resources.ChecksFunction.Properties;
    const staged = join(out, '..', fn.CodeUri);
    expect(staged).toBe(codeDir);
    expect(existsSync(join(codeDir, 'chunk-OLDBUILD.mjs'))).toBe(false);
    // The checks' code, the validator and the SDK's lazy credential providers are imported on demand.
    const needed = loadableFiles(join(PACKAGE_DIR, 'dist'));
    expect(needed).toEqual(
      expect.arrayContaining(['stack-loader.mjs', expect.stringMatching(/^run-checks-/)]),
    );
    expect(functionFiles(staged)).toEqual(expect.arrayContaining(needed));
    // ... and those files' own imports resolve in the staged copy.
    expect(loadableFiles(staged)).toEqual(needed);
  });

  it('passes organisation targets to the renderer: the template gets the state machine (issue 21)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eks-kit-deploy-')), 'template.yaml');
    deployDryRun(out, [
      '--organization-role',
      'eks-kit-checks',
      '--organization-units',
      'ou-ab12-prod0001',
      '--regions',
      'eu-west-1,us-east-1',
      '--batch-concurrency',
      '6',
      '--target-concurrency',
      '8',
    ]);
    const template = parse(readFileSync(out, 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    expect(template.Resources.ChecksStateMachine?.Type).toBe('AWS::Serverless::StateMachine');
    const fn = template.Resources.ChecksFunction as unknown as {
      Properties: { Environment: { Variables: object } };
    };
    const env = fn.Properties.Environment.Variables;
    expect(env).toMatchObject({
      EKS_KIT_TARGETS_FROM: 'organization',
      EKS_KIT_ORGANIZATION_UNITS: 'ou-ab12-prod0001',
      EKS_KIT_TARGET_REGIONS: 'eu-west-1,us-east-1',
      EKS_KIT_BATCH_CONCURRENCY: '6',
      EKS_KIT_TARGET_CONCURRENCY: '8',
    });
    // Not pinned: the plan sizes its batches from the last run's measure.
    expect(env).not.toHaveProperty('EKS_KIT_SECONDS_PER_TARGET');
  });

  it('pins the planning figure with --seconds-per-target (EKS_KIT_SECONDS_PER_TARGET)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eks-kit-deploy-')), 'template.yaml');
    deployDryRun(out, ['--organization-role', 'eks-kit-checks', '--seconds-per-target', '45']);
    const template = parse(readFileSync(out, 'utf8')) as {
      Resources: { ChecksFunction: { Properties: { Environment: { Variables: Record<string, string> } } } };
    };
    expect(template.Resources.ChecksFunction.Properties.Environment.Variables).toMatchObject({
      EKS_KIT_TARGETS_FROM: 'organization',
      EKS_KIT_SECONDS_PER_TARGET: '45',
    });
  });

  it('refuses a --seconds-per-target the renderer does not accept, naming the option, before sam runs', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eks-kit-deploy-')), 'template.yaml');
    let failure: { status?: number; stderr?: string } | undefined;
    try {
      deployDryRun(out, ['--organization-role', 'eks-kit-checks', '--seconds-per-target', '0']);
    } catch (error) {
      failure = error as { status?: number; stderr?: string };
    }
    expect(failure?.status).toBe(64);
    expect(String(failure?.stderr)).toMatch(/secondsPerTarget|seconds-per-target/);
    expect(existsSync(out)).toBe(false);
  });

  // The new-user trial (issue 21): argument mistakes were dropped silently, printed a Node stack trace,
  // or quoted "NaN". Each is one line naming the option, exit 64 (invalid input), and no template.
  it.each([
    {
      name: "another partition's region for organisation targets",
      flags: ['--organization-role', 'eks-kit-checks', '--regions', 'cn-north-1'],
      line: `--regions: expected a region of the cluster's partition (aws), got "cn-north-1"`,
    },
    {
      name: 'one region of the list in another partition',
      flags: ['--organization-role', 'eks-kit-checks', '--regions', 'eu-west-1,cn-north-1'],
      line: `--regions[1]: expected a region of the cluster's partition (aws), got "cn-north-1"`,
    },
    {
      name: '--regions without --organization-role',
      flags: ['--regions', 'eu-west-1'],
      line: '--regions: only with --organization-role NAME (targets from AWS Organizations); add it, or leave --regions out',
    },
    {
      name: '--seconds-per-target without --organization-role',
      flags: ['--seconds-per-target', '45'],
      line: /^--seconds-per-target: only with --organization-role/,
    },
    {
      name: 'an unknown option',
      flags: ['--bogus'],
      line: "unknown option '--bogus': see the usage at the top of scripts/deploy.mjs",
    },
    {
      name: 'a misspelt option, with the nearest one',
      flags: ['--regoins', 'eu-west-1'],
      line: "unknown option '--regoins' (did you mean --regions?): see the usage at the top of scripts/deploy.mjs",
    },
    {
      name: 'a --seconds-per-target that is not a number, quoted as typed',
      flags: ['--organization-role', 'eks-kit-checks', '--seconds-per-target', 'abc'],
      line: '--seconds-per-target: expected a whole number, got "abc"',
    },
    {
      name: 'a --reminder-days that is not a number',
      flags: ['--reminder-days', 'weekly'],
      line: '--reminder-days: expected a whole number, got "weekly"',
    },
  ])('refuses $name: one line, exit 64, no template', ({ flags, line }) => {
    const out = join(mkdtempSync(join(tmpdir(), 'eks-kit-deploy-')), 'template.yaml');
    let failure: { status?: number; stderr?: string } | undefined;
    try {
      deployDryRun(out, ['--alert-email', 'ops@example.com', ...flags]);
    } catch (error) {
      failure = error as { status?: number; stderr?: string };
    }
    expect(failure?.status).toBe(64);
    const stderr = String(failure?.stderr).trim();
    expect(stderr.split('\n')).toHaveLength(1);
    if (typeof line === 'string') expect(stderr).toBe(line);
    else expect(stderr).toMatch(line);
    expect(stderr).not.toMatch(/ERR_PARSE_ARGS|NaN|\bat .*\.m?js:\d+/);
    expect(existsSync(out)).toBe(false);
  });

  it('the renderer refuses the same mistakes with one line and exit 64 (render-template)', () => {
    const render = (flags: string[]) => {
      try {
        execFileSync(
          process.execPath,
          ['dist/tools/render-template.js', '--stack', 'test/fixtures/stack.yaml', ...flags],
          { cwd: PACKAGE_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        );
        return undefined;
      } catch (error) {
        const e = error as { status?: number; stderr?: string };
        return { status: e.status, stderr: String(e.stderr).trim() };
      }
    };
    expect(render(['--organization-role', 'r', '--regions', 'cn-north-1'])).toEqual({
      status: 64,
      stderr: `--regions: expected a region of the cluster's partition (aws), got "cn-north-1"`,
    });
    expect(render(['--regions', 'eu-west-1'])?.stderr).toMatch(/^--regions: only with --organization-role/);
    expect(render(['--regoins', 'x'])).toEqual({
      status: 64,
      stderr: "unknown option '--regoins' (hint: did you mean --regions?)",
    });
    expect(render(['--organization-role', 'r', '--seconds-per-target', 'abc'])).toEqual({
      status: 64,
      stderr: '--seconds-per-target: expected a whole number, got "abc"',
    });
    expect(render(['--organization-role', 'r', '--batch-concurrency', '0'])).toEqual({
      status: 64,
      stderr: '--batch-concurrency: expected a whole number from 1 to 1000, got "0"',
    });
  });
});
