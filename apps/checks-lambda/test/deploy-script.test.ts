import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('scripts/deploy.mjs (the documented deploy command)', () => {
  it('renders the template beside the bundle and prints the sam deploy command with --dry-run', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eks-kit-deploy-')), 'template.yaml');
    const printed = execFileSync(
      process.execPath,
      [
        'scripts/deploy.mjs',
        '--stack',
        'test/fixtures/stack.yaml',
        '--out',
        out,
        '--alert-email',
        'ops@example.com',
        '--schedule',
        'cron(0 6 * * ? *)',
        '--dry-run',
      ],
      { cwd: PACKAGE_DIR, encoding: 'utf8', env: { ...process.env, INIT_CWD: PACKAGE_DIR } },
    ).trim();
    expect(printed).toBe(
      `sam deploy --template-file ${out} --stack-name eks-kit-checks-lambda-test --capabilities CAPABILITY_NAMED_IAM --resolve-s3 --no-fail-on-empty-changeset --parameter-overrides "ScheduleExpression=cron(0 6 * * ? *)" LogRetentionDays=30 AlertEmail=ops@example.com`,
    );
    const template = parse(readFileSync(out, 'utf8')) as {
      Resources: { ChecksFunction: { Properties: { CodeUri: string; Handler: string } } };
    };
    const fn = template.Resources.ChecksFunction.Properties;
    // CodeUri is relative to the template and reaches the bundle.
    expect(readFileSync(join(out, '..', fn.CodeUri, 'index.mjs')).length).toBeGreaterThan(0);
    expect(fn.Handler).toBe('index.handler');
  });
});
