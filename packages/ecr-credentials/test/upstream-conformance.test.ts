/**
 * Issue 23 (2, 3): every generated `.gitlab-ci.yml` variant validates against GitLab's own CI JSON
 * schema (test/upstream/gitlab-ci.schema.json, see SOURCES.json there) with ajv; the pinned builder
 * images and credential helper are checked against the latest releases the version data knows
 * (test/upstream/releases.json). Both files are written by scripts/refresh-upstream-data.mjs,
 * never by the tests.
 */
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '@eks-kit/core';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  DEFAULT_BUILDKIT_IMAGE,
  DEFAULT_KANIKO_IMAGE,
  ECR_LOGIN_HELPER_VERSION,
  type GitlabBuildkitJobInput,
  gitlabBuildkitJob,
  gitlabKanikoJob,
  outdatedPins,
  PINNED_TOOLS,
  withImageDigest,
} from '../src/index.js';

/** The field an InvalidInputError names, or undefined when nothing is thrown. */
function refusedField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.field;
    throw error;
  }
  return undefined;
}

const upstream = (file: string) =>
  JSON.parse(readFileSync(new URL(`./upstream/${file}`, import.meta.url), 'utf8'));

// Draft-07; GitLab's schema uses markdownDescription and union types; formats are not checked.
const validate = new Ajv({
  strict: false,
  allErrors: true,
  allowUnionTypes: true,
  validateFormats: false,
}).compile(upstream('gitlab-ci.schema.json'));
function schemaErrors(doc: unknown): string[] {
  return validate(doc)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

const VARIANTS: [string, Partial<GitlabBuildkitJobInput>][] = [
  ['defaults', {}],
  ['no cache', { cache: false }],
  ['named cache repository', { cache: 'team/cache' }],
  [
    'Dockerfile in a subfolder',
    {
      context: '$CI_PROJECT_DIR/services/api',
      dockerfile: '$CI_PROJECT_DIR/services/api/docker/Dockerfile.prod',
    },
  ],
  ['relative context and Dockerfile', { context: 'app', dockerfile: 'app/Dockerfile' }],
  [
    'several tags and runner tags',
    { tags: ['$CI_COMMIT_SHORT_SHA', 'latest', '$' + '{CI_COMMIT_TAG}'], runnerTags: ['eks', 'arm64'] },
  ],
  ['job name and stage', { jobName: 'image:api', stage: 'package' }],
  ['default image pinned to a digest', { imageDigest: DIGEST }],
  ['own image', { image: `${REGISTRY}/tools/builder:1.0@${DIGEST}` }],
];

describe("generated jobs validate against GitLab's CI JSON schema", () => {
  it.each(VARIANTS)('kaniko: %s', (_name, variant) => {
    const doc = parse(gitlabKanikoJob({ registry: REGISTRY, repository: 'team/app', ...variant }));
    expect(schemaErrors(doc)).toEqual([]);
  });

  it.each(VARIANTS)('BuildKit, helper downloaded: %s', (_name, variant) => {
    const doc = parse(gitlabBuildkitJob({ registry: REGISTRY, repository: 'team/app', ...variant }));
    expect(schemaErrors(doc)).toEqual([]);
  });

  it.each(VARIANTS.filter(([, v]) => v.image !== undefined))(
    'BuildKit, helper in the image: %s',
    (_name, variant) => {
      const doc = parse(
        gitlabBuildkitJob({ registry: REGISTRY, repository: 'team/app', helperSource: 'image', ...variant }),
      );
      expect(schemaErrors(doc)).toEqual([]);
    },
  );

  it('fails on a job GitLab would refuse (the validator can fail)', () => {
    const doc = parse(gitlabKanikoJob({ registry: REGISTRY, repository: 'team/app' })) as Record<
      string,
      Record<string, unknown>
    >;
    doc['build-image']!['scriptt'] = ['echo'];
    doc['build-image']!['stage'] = 7;
    expect(schemaErrors(doc).length).toBeGreaterThan(0);
  });
});

describe('pinned builder images and credential helper', () => {
  it('the default images are released versions, not floating tags', () => {
    expect(DEFAULT_KANIKO_IMAGE).toBe(
      `ghcr.io/osscontainertools/kaniko:${PINNED_TOOLS.kaniko.version}-debug`,
    );
    expect(DEFAULT_BUILDKIT_IMAGE).toBe(`moby/buildkit:${PINNED_TOOLS.buildkit.version}-rootless`);
    for (const image of [DEFAULT_KANIKO_IMAGE, DEFAULT_BUILDKIT_IMAGE])
      expect(image).toMatch(/:v\d+\.\d+\.\d+-(debug|rootless)$/);
    const kaniko = parse(gitlabKanikoJob({ registry: REGISTRY, repository: 'team/app' }));
    expect(kaniko['build-image'].image.name).toBe(DEFAULT_KANIKO_IMAGE);
  });

  it('no pin is older than the latest release in the version data', () => {
    expect(outdatedPins(upstream('releases.json'))).toEqual([]);
  });

  it('reports a pin older than the latest known release', () => {
    expect(
      outdatedPins({ buildkit: { latest: 'v0.33.0' }, kaniko: { latest: PINNED_TOOLS.kaniko.version } }),
    ).toEqual([{ tool: 'buildkit', pinned: PINNED_TOOLS.buildkit.version, latest: 'v0.33.0' }]);
    expect(outdatedPins({ 'amazon-ecr-credential-helper': { latest: 'v1.0.0' } })).toHaveLength(1);
    expect(refusedField(() => outdatedPins({ kaniko: { latest: 'main' } }))).toBe('releases.kaniko.latest');
  });

  it('the digest option pins the default image to a digest, and only a sha256 digest', () => {
    const doc = parse(gitlabBuildkitJob({ registry: REGISTRY, repository: 'team/app', imageDigest: DIGEST }));
    expect(doc['build-image'].image.name).toBe(
      `moby/buildkit:${PINNED_TOOLS.buildkit.version}-rootless@${DIGEST}`,
    );
    expect(refusedField(() => withImageDigest(DEFAULT_KANIKO_IMAGE, 'sha256:abc'))).toBe('imageDigest');
    expect(
      refusedField(() =>
        gitlabKanikoJob({ registry: REGISTRY, repository: 'team/app', imageDigest: DIGEST, image: 'x/y:1' }),
      ),
    ).toBe('imageDigest');
  });

  it('downloads amazon-ecr-credential-helper 0.12.0 from the addresses its release notes list, checksum checked', () => {
    expect(ECR_LOGIN_HELPER_VERSION).toBe('0.12.0');
    const job = parse(gitlabBuildkitJob({ registry: REGISTRY, repository: 'team/app' }));
    const lines: string[] = job['build-image'].before_script;
    const bucket = 'https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com/0.12.0';
    // The release notes of v0.12.0 list linux-amd64 and linux-arm64 binaries, each with a .sha256.
    for (const arch of ['amd64', 'arm64']) {
      const expand = (l: string) => l.replaceAll('$ECR_LOGIN_ARCH', arch);
      expect(lines.map(expand)).toContain(
        `wget -q -O "$HOME/bin/docker-credential-ecr-login" "${bucket}/linux-${arch}/docker-credential-ecr-login"`,
      );
      expect(lines.map(expand)).toContain(
        `wget -q -O "$HOME/ecr-login.sha256" "${bucket}/linux-${arch}/docker-credential-ecr-login.sha256"`,
      );
    }
    const check = lines.findIndex((l) => l.includes('sha256sum -c -'));
    const chmod = lines.findIndex((l) => l.startsWith('chmod +x'));
    expect(check).toBeGreaterThan(-1);
    expect(check).toBeLessThan(chmod);
  });
});
