/**
 * Issue 15: nothing generated can run code. Every value that reaches a shell line of the generated
 * `.gitlab-ci.yml` (kaniko and BuildKit) is either refused by its grammar or arrives in the job's
 * shell literally; the YAML parses back to the lines we meant; the docker config written by the job
 * is the config we meant.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  dockerConfig,
  type GitlabBuildkitJobInput,
  gitlabBuildkitJob,
  gitlabKanikoJob,
  shellQuote,
  shellWordWithVariables,
  validateBuildPath,
  validateImageReference,
  validateImageTag,
} from '../src/index.js';

const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

/** Command substitution, parameter expansion, quotes, separators, newlines and YAML indicators. */
export const HOSTILE = [
  '$(id)',
  '`id`',
  '${VAR}',
  '$VAR',
  '${HOME}',
  '$HOME',
  '$(touch /tmp/eks-kit-pwned)',
  "'",
  '"',
  "it's",
  'a"b',
  '\n',
  'a\nb',
  '\r',
  ';',
  '; id',
  '&&',
  '&& id',
  '||',
  '|',
  '>',
  '<',
  '\\',
  ' ',
  '\t',
  ': ',
  '#',
  ' #',
  '- ',
  '&',
  '*',
  '!',
  '{',
  '}',
  '[',
  ']',
  '%',
  '@',
  '?',
  '~',
  ',',
  '=',
  '\u0000',
];

/** The environment the job's shell sees in these tests (values chosen to be hostile themselves). */
const ENV: Record<string, string> = {
  CI_PROJECT_DIR: '/builds/a b/$(id)',
  CI_COMMIT_SHORT_SHA: 'abc1234',
  VAR: 'value-of-var',
  HOME: '/home/runner',
};

/** What the shell should make of a value that may hold CI variable references. */
function expand(value: string): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)\}|\$([A-Z_][A-Z0-9_]*)/g, (_m, a, b) => ENV[a ?? b] ?? '');
}

/** Run `printf '%s\0' <words>` in a real sh and return the words it received. */
function words(line: string, env: Record<string, string> = ENV): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return out.split('\0').slice(0, -1);
}

interface Job {
  image: { name: string; entrypoint: string[] };
  before_script?: string[];
  script: string[];
  stage: string;
  tags?: string[];
}

function only(yaml: string): [string, Job] {
  const doc = parse(yaml) as Record<string, Job>;
  const entries = Object.entries(doc);
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

describe('shellQuote / shellWordWithVariables', () => {
  it.each(HOSTILE.filter((h) => !h.includes('\u0000')))('%j arrives literally through shellQuote', (h) => {
    const value = `x${h}y`;
    expect(words(shellQuote(value))).toEqual([value]);
    expect(words(shellQuote(h))).toEqual([h]);
  });

  it.each(HOSTILE.filter((h) => !h.includes('\u0000')))(
    '%j: only $NAME / ${NAME} expand through shellWordWithVariables',
    (h) => {
      const value = `x${h}y`;
      expect(words(shellWordWithVariables(value))).toEqual([expand(value)]);
      expect(words(shellWordWithVariables(h))).toEqual([expand(h)]);
    },
  );

  it('a CI variable holding shell syntax is not evaluated again', () => {
    expect(words(shellWordWithVariables('$CI_PROJECT_DIR/sub'))).toEqual(['/builds/a b/$(id)/sub']);
    expect(words(shellWordWithVariables('${CI_COMMIT_SHORT_SHA}x'))).toEqual(['abc1234x']);
  });

  it('empty string is one empty word', () => {
    expect(words(`${shellQuote('')} ${shellWordWithVariables('')}`)).toEqual(['', '']);
  });
});

type Builder = (input: GitlabBuildkitJobInput) => string;
const BUILDERS: [string, Builder][] = [
  ['kaniko', gitlabKanikoJob],
  ['buildkit', gitlabBuildkitJob],
];

/** Each field of the job input with a hostile value placed in an otherwise valid one. */
const FIELDS: [string, (h: string) => Partial<GitlabBuildkitJobInput>][] = [
  ['context', (h) => ({ context: `ctx${h}dir` })],
  ['dockerfile', (h) => ({ dockerfile: `docker/Dockerfile${h}x` })],
  ['tags[0]', (h) => ({ tags: [`v1${h}`] })],
  ['image', (h) => ({ image: `ghcr.io/x/kaniko:debug${h}` })],
  ['jobName', (h) => ({ jobName: `build${h}x` })],
  ['stage', (h) => ({ stage: `build${h}x` })],
  ['runnerTags[0]', (h) => ({ runnerTags: [`eks${h}x`] })],
  ['repository', (h) => ({ repository: `team/app${h}x` })],
  ['registry', (h) => ({ registry: `${REGISTRY}${h}` })],
  ['cache', (h) => ({ cache: `team/app${h}x` })],
  ['helperVersion', (h) => ({ helperVersion: `0.9.0${h}` })],
];

describe.each(BUILDERS)('%s job with hostile values', (builder, build) => {
  const cases = FIELDS.filter(([field]) => builder === 'buildkit' || field !== 'helperVersion').flatMap(
    ([field, make]) => HOSTILE.map((h) => [field, h, make] as const),
  );
  it.each(cases)('%s %j: refused naming the field, or kept literal', (field, h, make) => {
    const input: GitlabBuildkitJobInput = { registry: REGISTRY, repository: 'team/app', ...make(h) };
    let yaml: string;
    try {
      yaml = build(input);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe(field);
      expect((error as Error).message.split('\n')).toHaveLength(1);
      return;
    }
    // Accepted: every value must come back exactly, in the YAML and in the shell.
    const [name, job] = only(yaml);
    if (input.jobName !== undefined) expect(name).toBe(input.jobName);
    if (input.stage !== undefined) expect(job.stage).toBe(input.stage);
    if (input.runnerTags !== undefined) expect(job.tags).toEqual(input.runnerTags);
    if (input.image !== undefined) expect(job.image.name).toBe(input.image);
    for (const line of [...(job.before_script ?? []), ...job.script]) execFileSync('sh', ['-n', '-c', line]);
    const argv = builder === 'kaniko' ? kanikoArgs(job) : buildkitArgs(job);
    const context = expand(input.context ?? '$CI_PROJECT_DIR');
    if (builder === 'kaniko') {
      expect(argv.slice(0, 4)).toEqual([
        '--context',
        context,
        '--dockerfile',
        expand(input.dockerfile ?? `${input.context ?? '$CI_PROJECT_DIR'}/Dockerfile`),
      ]);
      const tag = expand(input.tags?.[0] ?? '$CI_COMMIT_SHORT_SHA');
      expect(argv.slice(4, 6)).toEqual(['--destination', `${REGISTRY}/${input.repository}:${tag}`]);
    } else {
      expect(argv).toContain(`context=${context}`);
      const tag = expand(input.tags?.[0] ?? '$CI_COMMIT_SHORT_SHA');
      expect(argv).toContain(`type=image,"name=${REGISTRY}/${input.repository}:${tag}",push=true`);
    }
  });
});

function kanikoArgs(job: Job): string[] {
  const line = job.script[2]!;
  expect(line.startsWith('/kaniko/executor ')).toBe(true);
  return words(line.slice('/kaniko/executor '.length));
}

function buildkitArgs(job: Job): string[] {
  const line = job.script[0]!;
  const prefix = 'buildctl-daemonless.sh build ';
  expect(line.startsWith(prefix)).toBe(true);
  return words(line.slice(prefix.length));
}

describe('the docker config the job writes', () => {
  it.each(BUILDERS)(
    '%s: the echo line writes exactly dockerConfig({ credHelpers: [host] })',
    (builder, build) => {
      const job = only(
        build({ registry: REGISTRY, repository: 'team/app', helperSource: 'image', image: 'x/y:1' }),
      )[1];
      const home = mkdtempSync(join(tmpdir(), 'eks-kit-ci-'));
      const lines = builder === 'kaniko' ? job.script.slice(0, 2) : (job.before_script ?? []);
      const script = lines.join('\n').replaceAll('/kaniko/.docker', `${home}/.docker`);
      execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH ?? '', HOME: home } });
      expect(JSON.parse(readFileSync(join(home, '.docker/config.json'), 'utf8'))).toEqual(
        dockerConfig({ credHelpers: [REGISTRY] }),
      );
    },
  );
});

describe('grammars of the values that reach CI lines', () => {
  it.each([
    ['.', true],
    ['$CI_PROJECT_DIR', true],
    ['${CI_PROJECT_DIR}/app', true],
    ['docker/Dockerfile.prod', true],
    ['a b', false],
    ['$(id)', false],
    ['`id`', false],
    ['${x}', false],
    ["'", false],
    ['', false],
  ])('validateBuildPath(%j) accepts: %s', (value, ok) => {
    if (ok) expect(validateBuildPath(value, 'context')).toBe(value);
    else expect(() => validateBuildPath(value, 'context')).toThrow(/^context: /);
  });

  it.each([
    ['ghcr.io/osscontainertools/kaniko:debug', true],
    ['moby/buildkit:rootless', true],
    ['localhost:5000/a/b:1', true],
    [`${REGISTRY}/tools/buildkit-ecr:0.9.0`, true],
    [`busybox@sha256:${'a'.repeat(64)}`, true],
    ['Busybox', false],
    ['kaniko:$(id)', false],
    ['kaniko:$CI_COMMIT_TAG', false],
    ['a b', false],
    ['a:b:c', false],
    ['', false],
  ])('validateImageReference(%j) accepts: %s', (value, ok) => {
    if (ok) expect(validateImageReference(value, 'image')).toBe(value);
    else expect(() => validateImageReference(value, 'image')).toThrow(/^image: /);
  });

  it.each([
    ['latest', true],
    ['$CI_COMMIT_SHORT_SHA', true],
    ['${CI_COMMIT_TAG}', true],
    ['v1.2.3_rc-1', true],
    ['$ci_x', false],
    ['${A', false],
    ['.hidden', false],
    ['a'.repeat(129), false],
  ])('validateImageTag(%j) accepts: %s', (value, ok) => {
    if (ok) expect(validateImageTag(value, 'tags[0]')).toBe(value);
    else expect(() => validateImageTag(value, 'tags[0]')).toThrow(/^tags\[0\]: /);
  });
});

describe('docker config.json with hostile values', () => {
  const fields: [string, (h: string) => Parameters<typeof dockerConfig>[0]][] = [
    ['credHelpers[0]', (h) => ({ credHelpers: [`${REGISTRY}${h}`] })],
    ['credHelpers (helper)', (h) => ({ credHelpers: { [REGISTRY]: `ecr-login${h}` } })],
    ['credHelpers (other host)', (h) => ({ credHelpers: { [`registry${h}.example.com`]: 'pass' } })],
    ['auths (key)', (h) => ({ auths: { [`registry${h}.example.com`]: { auth: 'eDp5' } } })],
    ['credsStore', (h) => ({ credsStore: `desktop${h}` })],
  ];
  const cases = fields.flatMap(([field, make]) => HOSTILE.map((h) => [field, h, make] as const));
  it.each(cases)('%s %j: refused, or the JSON reads back the same', (_field, h, make) => {
    let config: ReturnType<typeof dockerConfig>;
    try {
      config = dockerConfig(make(h));
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).not.toMatch(/[\r\n]/);
      return;
    }
    const text = JSON.stringify(config, null, 2);
    expect(JSON.parse(text)).toEqual(config);
    // What a CI job echoes into config.json arrives byte for byte through the shell.
    expect(words(shellQuote(JSON.stringify(config)))).toEqual([JSON.stringify(config)]);
    for (const key of Object.keys(config.credHelpers ?? {})) expect(key).not.toMatch(/^https?:\/\//);
  });
});
