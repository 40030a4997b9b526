import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gitlabBuildkitJob, gitlabKanikoJob } from '../src/index.js';

const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

interface Job {
  stage: string;
  image: { name: string; entrypoint: string[] };
  variables?: Record<string, string>;
  before_script?: string[];
  script: string[];
  tags?: string[];
}

describe('gitlabKanikoJob', () => {
  const yaml = gitlabKanikoJob({
    registry: `https://${REGISTRY}`,
    repository: 'team/app',
    tags: ['$CI_COMMIT_SHORT_SHA', 'latest'],
  });
  const job = (parse(yaml) as Record<string, Job>)['build-image'] as Job;

  it('uses the maintained fork :debug image with an empty entrypoint (AWS-FACTS.md kaniko)', () => {
    expect(job.image).toEqual({ name: 'ghcr.io/osscontainertools/kaniko:debug', entrypoint: [''] });
    expect(job.variables?.DOCKER_CONFIG).toBe('/kaniko/.docker');
  });

  it('writes /kaniko/.docker/config.json with credHelpers ecr-login for the bare host', () => {
    expect(job.script[0]).toBe('mkdir -p /kaniko/.docker');
    expect(job.script[1]).toBe(
      `echo '{"credHelpers":{"${REGISTRY}":"ecr-login"}}' > /kaniko/.docker/config.json`,
    );
  });

  it('runs the executor with one destination per tag and the <repo>/cache layer cache', () => {
    const executor = job.script[2] ?? '';
    expect(executor.startsWith('/kaniko/executor ')).toBe(true);
    expect(executor).toContain('--context "$CI_PROJECT_DIR"');
    expect(executor).toContain('--dockerfile "$CI_PROJECT_DIR/Dockerfile"');
    expect(executor).toContain(`--destination "${REGISTRY}/team/app:$CI_COMMIT_SHORT_SHA"`);
    expect(executor).toContain(`--destination "${REGISTRY}/team/app:latest"`);
    expect(executor).toContain(`--cache=true --cache-repo "${REGISTRY}/team/app/cache"`);
  });

  it('honours image, cache: false, job name, stage and runner tags', () => {
    const other = parse(
      gitlabKanikoJob({
        registry: REGISTRY,
        repository: 'app',
        image: 'cgr.dev/chainguard/kaniko:debug',
        cache: false,
        jobName: 'kaniko',
        stage: 'package',
        runnerTags: ['eks'],
      }),
    ) as Record<string, Job>;
    expect(other.kaniko?.image.name).toBe('cgr.dev/chainguard/kaniko:debug');
    expect(other.kaniko?.script[2]).not.toContain('--cache');
    expect(other.kaniko?.stage).toBe('package');
    expect(other.kaniko?.tags).toEqual(['eks']);
  });

  it('refuses bad input naming the field', () => {
    expect(() => gitlabKanikoJob({ registry: 'ghcr.io', repository: 'app' })).toThrow(/registry/);
    expect(() => gitlabKanikoJob({ registry: REGISTRY, repository: 'App' })).toThrow(/repository/);
    expect(() => gitlabKanikoJob({ registry: REGISTRY, repository: 'app', tags: ['a b'] })).toThrow(
      /tags\[0\]/,
    );
    expect(() => gitlabKanikoJob({ registry: REGISTRY, repository: 'app', context: 'x"; rm -rf /' })).toThrow(
      /context/,
    );
  });
});

describe('gitlabBuildkitJob', () => {
  const job = (
    parse(
      gitlabBuildkitJob({ registry: REGISTRY, repository: 'team/app', dockerfile: 'docker/Dockerfile.prod' }),
    ) as Record<string, Job>
  )['build-image'] as Job;

  it('runs rootless BuildKit daemonless with the process sandbox off (GitLab recommendation)', () => {
    expect(job.image.name).toBe('moby/buildkit:rootless');
    expect(job.variables?.BUILDKITD_FLAGS).toBe('--oci-worker-no-process-sandbox');
    expect(job.script[0]).toMatch(/^buildctl-daemonless\.sh build --frontend dockerfile\.v0 /);
    expect(job.script[0]).toContain('--local dockerfile="docker"');
    expect(job.script[0]).toContain('--opt filename="Dockerfile.prod"');
    expect(job.script[0]).toContain(`name=${REGISTRY}/team/app:$CI_COMMIT_SHORT_SHA`);
    expect(job.script[0]).toContain('push=true');
    expect(job.script[0]).toContain(`--import-cache type=registry,ref=${REGISTRY}/team/app/cache:buildcache`);
  });

  it('installs the ecr-login helper for the pod architecture (amd64 or arm64), checked against its .sha256, and writes credHelpers', () => {
    const before = job.before_script ?? [];
    expect(
      before.some(
        (l) =>
          l.includes('x86_64) ECR_LOGIN_ARCH=amd64') && l.includes('aarch64|arm64) ECR_LOGIN_ARCH=arm64'),
      ),
    ).toBe(true);
    expect(
      before.some(
        (l) =>
          l.includes('/0.9.0/linux-$ECR_LOGIN_ARCH/docker-credential-ecr-login"') &&
          l.startsWith('wget -q -O "$HOME/bin/'),
      ),
    ).toBe(true);
    expect(before.some((l) => l.includes('sha256sum -c'))).toBe(true);
    expect(before.indexOf('export PATH="$HOME/bin:$PATH"')).toBeGreaterThan(-1);
    expect(before).toContain(
      `echo '{"credHelpers":{"${REGISTRY}":"ecr-login"}}' > "$HOME/.docker/config.json"`,
    );
  });

  it('the helper and its checksum line work in a real shell: the .sha256 format "<hex>  docker-credential-ecr-login" is parsed', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const home = mkdtempSync(join(tmpdir(), 'ecr-login-'));
    const binary = Buffer.from('#!/bin/sh\necho helper\n');
    const hex = createHash('sha256').update(binary).digest('hex');
    const before = job.before_script ?? [];
    const checkLine = before.find((l) => l.includes('sha256sum -c')) ?? '';
    const run = (checksumFile: string): string =>
      execFileSync(
        'sh',
        [
          '-c',
          `mkdir -p "$HOME/bin" && cat > "$HOME/bin/docker-credential-ecr-login" && printf '%s' "$SUM" > "$HOME/ecr-login.sha256" && ${checkLine}`,
        ],
        {
          env: { PATH: process.env.PATH ?? '', HOME: home, SUM: checksumFile },
          input: binary,
          encoding: 'utf8',
        },
      );
    expect(run(`${hex}  docker-credential-ecr-login\n`)).toContain('OK');
    expect(() => run(`${'0'.repeat(64)}  docker-credential-ecr-login\n`)).toThrow();
  });

  it("helperSource 'image': no download, only the config; it needs the image that has the helper", () => {
    const baked = parse(
      gitlabBuildkitJob({
        registry: REGISTRY,
        repository: 'team/app',
        helperSource: 'image',
        image: `${REGISTRY}/tools/buildkit-ecr:0.9.0`,
      }),
    ) as Record<string, Job>;
    expect(baked['build-image']?.image.name).toBe(`${REGISTRY}/tools/buildkit-ecr:0.9.0`);
    expect(baked['build-image']?.before_script).toEqual([
      'mkdir -p "$HOME/.docker"',
      `echo '{"credHelpers":{"${REGISTRY}":"ecr-login"}}' > "$HOME/.docker/config.json"`,
    ]);
    expect(() =>
      gitlabBuildkitJob({ registry: REGISTRY, repository: 'team/app', helperSource: 'image' }),
    ).toThrow(/^image:/);
    expect(() =>
      gitlabBuildkitJob({ registry: REGISTRY, repository: 'team/app', helperSource: 'x' as 'image' }),
    ).toThrow(/^helperSource:/);
  });
});
