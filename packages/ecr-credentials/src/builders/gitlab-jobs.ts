/**
 * `.gitlab-ci.yml` jobs that build an image and push it to ECR with the ecr-login credential helper:
 * kaniko (the maintained fork's `:debug` image) and rootless BuildKit (docs/AWS-FACTS.md#kaniko-and-buildkit-in-gitlab).
 */
import { InvalidInputError, VERSION } from '@eks-kit/core';
import { stringify } from 'yaml';
import { dockerConfig } from './docker-config.js';
import {
  DEFAULT_BUILDKIT_IMAGE,
  DEFAULT_KANIKO_IMAGE,
  ECR_LOGIN_HELPER_VERSION,
  withImageDigest,
} from './pinned-tools.js';
import { parseRegistryHost } from './registry-host.js';
import { cacheRepositoryName, validateRepositoryName } from './repository-ref.js';
import {
  shellQuote,
  shellWordWithVariables,
  validateBuildPath,
  validateImageReference,
  validateImageTag,
} from './shell-words.js';

/** Input of {@link gitlabKanikoJob} and {@link gitlabBuildkitJob}. */
export interface GitlabBuildJobInput {
  /** ECR registry host, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  registry: string;
  /** Repository name, e.g. `team/app`. */
  repository: string;
  /**
   * Build context (default `$CI_PROJECT_DIR`): letters, digits, `. _ - / + @` and CI variable
   * references (`$CI_PROJECT_DIR`, `${CI_X}`), which the job's shell expands on purpose; every other
   * character is refused, and the value is quoted for the shell all the same.
   */
  context?: string;
  /** Dockerfile path (default `<context>/Dockerfile`), same grammar as `context`. */
  dockerfile?: string;
  /** Image tags (default `[$CI_COMMIT_SHORT_SHA]`): a literal tag or one CI variable reference each. */
  tags?: readonly string[];
  /** Layer cache in `<repository>/cache` (default true); or the cache repository's name. */
  cache?: boolean | string;
  /**
   * Builder image (defaults: {@link DEFAULT_KANIKO_IMAGE}, {@link DEFAULT_BUILDKIT_IMAGE}, pinned
   * releases). A digest may be part of it (`...:v1.28.3-debug@sha256:...`).
   */
  image?: string;
  /**
   * Pin the default image to this digest too (`sha256:<64 hex>`): `<default>@sha256:...`. Not with
   * `image` (write the digest into it).
   */
  imageDigest?: string;
  /** Job name (default `build-image`). */
  jobName?: string;
  /** Pipeline stage (default `build`). */
  stage?: string;
  /** Runner tags selecting the Kubernetes runner whose service account has the IRSA role. */
  runnerTags?: readonly string[];
}

interface NormalisedJob {
  host: string;
  repository: string;
  context: string;
  dockerfile: string;
  tags: string[];
  cacheRepository: string | undefined;
  jobName: string;
  stage: string;
  runnerTags: string[] | undefined;
}

/** Keys GitLab reads at the top level of `.gitlab-ci.yml`: a job cannot be named like them. */
const GITLAB_GLOBAL_KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'spec',
]);

function normalise(input: GitlabBuildJobInput): NormalisedJob {
  if (!input || typeof input !== 'object') throw new InvalidInputError('job', input, 'job options');
  const host = parseRegistryHost(input.registry, 'registry');
  if (host.kind !== 'private')
    throw new InvalidInputError('registry', input.registry, 'a private ECR registry host');
  const repository = validateRepositoryName(input.repository, 'repository');
  if (input.tags !== undefined && !Array.isArray(input.tags))
    throw new InvalidInputError('tags', input.tags, 'a list of image tags');
  const tags = [...(input.tags ?? ['$CI_COMMIT_SHORT_SHA'])];
  if (tags.length === 0) throw new InvalidInputError('tags', tags, 'at least one image tag');
  for (const [i, t] of tags.entries()) validateImageTag(t, `tags[${i}]`);
  const context = validateBuildPath(input.context ?? '$CI_PROJECT_DIR', 'context');
  const dockerfile = validateBuildPath(input.dockerfile ?? `${context}/Dockerfile`, 'dockerfile');
  const cacheRepository =
    input.cache === false
      ? undefined
      : typeof input.cache === 'string'
        ? validateRepositoryName(input.cache, 'cache')
        : cacheRepositoryName(repository);
  const name = input.jobName ?? 'build-image';
  if (typeof name !== 'string' || !/^[\w][\w .:-]{0,254}$/.test(name) || GITLAB_GLOBAL_KEYWORDS.has(name))
    throw new InvalidInputError('jobName', name, 'a GitLab job name (not a global keyword such as image)');
  const stage = input.stage ?? 'build';
  if (typeof stage !== 'string' || !/^[\w][\w .-]{0,254}$/.test(stage))
    throw new InvalidInputError('stage', stage, 'a GitLab stage name');
  if (input.runnerTags !== undefined && !Array.isArray(input.runnerTags))
    throw new InvalidInputError('runnerTags', input.runnerTags, 'a list of runner tags');
  input.runnerTags?.forEach((t, i) => {
    if (typeof t !== 'string' || !/^[\w][\w .:/@+-]{0,254}$/.test(t))
      throw new InvalidInputError(
        `runnerTags[${i}]`,
        t,
        'a runner tag (letters, digits, _ . : / @ + - and spaces)',
      );
  });
  return {
    host: host.host,
    repository,
    context,
    dockerfile,
    tags,
    cacheRepository,
    jobName: name,
    stage,
    runnerTags: input.runnerTags ? [...input.runnerTags] : undefined,
  };
}

function checkImage(input: GitlabBuildJobInput, fallback: string): string {
  if (input.imageDigest !== undefined) {
    if (input.image !== undefined)
      throw new InvalidInputError('imageDigest', input.imageDigest, 'no imageDigest with image', {
        hint: 'write the digest into image itself: <image>:<tag>@sha256:<hex>',
      });
    return validateImageReference(withImageDigest(fallback, input.imageDigest), 'imageDigest');
  }
  return validateImageReference(input.image ?? fallback, 'image');
}

/** The helper config as one single-quoted shell word (hosts are validated; quoted all the same). */
function helperConfigWord(host: string): string {
  return shellQuote(JSON.stringify(dockerConfig({ credHelpers: [host] })));
}

function yamlOf(job: NormalisedJob, body: Record<string, unknown>): string {
  const doc = {
    [job.jobName]: {
      stage: job.stage,
      ...body,
      ...(job.runnerTags ? { tags: job.runnerTags } : {}),
    },
  };
  return `${GENERATED_HEADER}${stringify(doc, { lineWidth: 0 })}`;
}

/** The first lines of a generated job, like the header of eks-kit's other generated files. */
const GENERATED_HEADER = `# Generated by eks-kit ${VERSION} (@eks-kit/ecr-credentials): GitLab CI build job.\n# Do not edit: change the eks-kit stack (or the generator's input) and generate again.\n`;

/**
 * A `.gitlab-ci.yml` job building with kaniko: the `:debug` image with `entrypoint: [""]` (GitLab
 * needs its busybox shell), `/kaniko/.docker/config.json` with `credHelpers` `ecr-login` for the
 * registry host (kaniko ships the helper; credentials come from the pod's IRSA role), and a layer
 * cache in `<repository>/cache`.
 *
 * @example
 * ```ts
 * const yaml = gitlabKanikoJob({ registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'team/app' });
 * // build-image:
 * //   image: { name: ghcr.io/osscontainertools/kaniko:v1.28.3-debug, entrypoint: [""] }
 * //   script: [mkdir -p /kaniko/.docker, echo '{"credHelpers":...}' > /kaniko/.docker/config.json, /kaniko/executor ...]
 * ```
 */
export function gitlabKanikoJob(input: GitlabBuildJobInput): string {
  const job = normalise(input);
  const image = checkImage(input, DEFAULT_KANIKO_IMAGE);
  const executor = [
    '/kaniko/executor',
    `--context ${shellWordWithVariables(job.context)}`,
    `--dockerfile ${shellWordWithVariables(job.dockerfile)}`,
    ...job.tags.map((t) => `--destination ${shellWordWithVariables(`${job.host}/${job.repository}:${t}`)}`),
    ...(job.cacheRepository
      ? ['--cache=true', `--cache-repo ${shellQuote(`${job.host}/${job.cacheRepository}`)}`]
      : []),
  ].join(' ');
  return yamlOf(job, {
    image: { name: image, entrypoint: [''] },
    variables: { DOCKER_CONFIG: '/kaniko/.docker' },
    script: [
      'mkdir -p /kaniko/.docker',
      `echo ${helperConfigWord(job.host)} > /kaniko/.docker/config.json`,
      executor,
    ],
  });
}

/** How the BuildKit job gets `docker-credential-ecr-login` (see {@link gitlabBuildkitJob}). */
export type BuildkitHelperSource = 'download' | 'image';

/** Options of {@link gitlabBuildkitJob} beyond {@link GitlabBuildJobInput}. */
export interface GitlabBuildkitJobInput extends GitlabBuildJobInput {
  /**
   * `download` (default): fetch the pinned helper release for the pod's architecture in
   * `before_script`; `image`: the builder `image` already has the helper on PATH (a
   * `moby/buildkit:rootless`-based image you built once; the README has its Dockerfile).
   */
  helperSource?: BuildkitHelperSource;
  /** amazon-ecr-credential-helper release for `download` (default {@link ECR_LOGIN_HELPER_VERSION}). */
  helperVersion?: string;
}

/**
 * Shell lines that install the helper release for this pod's architecture (`uname -m`: x86_64 ->
 * amd64, aarch64 -> arm64; an amd64 binary on an arm64 node would only make docker say
 * "credentials not found"). The image is Alpine with busybox `wget`, which speaks HTTPS through
 * Alpine's `ssl_client`. The addresses are those the release notes list (0.12.0: `<bucket>/0.12.0/
 * linux-amd64/docker-credential-ecr-login` and `.sha256` beside it, pinned-tools.ts). The `.sha256`
 * is `<hex>  docker-credential-ecr-login`: its first field is compared with `sha256sum -c`, which
 * catches a truncated or wrong download (it is no defence against a tampered bucket: use
 * `helperSource: 'image'` for that).
 */
function helperDownloadLines(version: string): string[] {
  const base = `https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com/${version}`;
  return [
    'mkdir -p "$HOME/bin"',
    'case "$(uname -m)" in x86_64) ECR_LOGIN_ARCH=amd64 ;; aarch64|arm64) ECR_LOGIN_ARCH=arm64 ;; *) echo "no docker-credential-ecr-login release for $(uname -m)" >&2; exit 1 ;; esac',
    `wget -q -O "$HOME/bin/docker-credential-ecr-login" "${base}/linux-$ECR_LOGIN_ARCH/docker-credential-ecr-login"`,
    `wget -q -O "$HOME/ecr-login.sha256" "${base}/linux-$ECR_LOGIN_ARCH/docker-credential-ecr-login.sha256"`,
    'echo "$(cut -d" " -f1 "$HOME/ecr-login.sha256")  $HOME/bin/docker-credential-ecr-login" | sha256sum -c -',
    'chmod +x "$HOME/bin/docker-credential-ecr-login"',
    'export PATH="$HOME/bin:$PATH"',
  ];
}

/**
 * A `.gitlab-ci.yml` job building with rootless BuildKit (`moby/buildkit:v0.32.2-rootless`,
 * `BUILDKITD_FLAGS=--oci-worker-no-process-sandbox`, `buildctl-daemonless.sh`, `entrypoint: [""]`:
 * GitLab's BuildKit guide). The stock image has no ECR credential helper: by default the job
 * downloads the pinned `docker-credential-ecr-login` release for the pod's architecture, checks it
 * against the release's `.sha256`, and writes `credHelpers` `ecr-login` to `$HOME/.docker/config.json`;
 * with `helperSource: 'image'` it only writes the config (the helper is baked into `image`).
 * Credentials come from the pod's IRSA role, as for kaniko: no token is ever stored in CI variables.
 *
 * @example
 * ```ts
 * gitlabBuildkitJob({ registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'team/app', tags: ['$CI_COMMIT_SHORT_SHA', 'latest'] });
 * gitlabBuildkitJob({ registry, repository: 'team/app', helperSource: 'image', image: `${registry}/tools/buildkit-ecr:0.12.0` });
 * ```
 */
export function gitlabBuildkitJob(input: GitlabBuildkitJobInput): string {
  const job = normalise(input);
  const image = checkImage(input, DEFAULT_BUILDKIT_IMAGE);
  const source = input.helperSource ?? 'download';
  if (source !== 'download' && source !== 'image')
    throw new InvalidInputError('helperSource', source, "'download' or 'image'");
  if (source === 'image' && input.image === undefined)
    throw new InvalidInputError(
      'image',
      input.image,
      "a builder image that has docker-credential-ecr-login on PATH (helperSource 'image')",
    );
  const version = input.helperVersion ?? ECR_LOGIN_HELPER_VERSION;
  if (!/^\d+\.\d+\.\d+$/.test(version))
    throw new InvalidInputError('helperVersion', version, 'a release version such as 0.12.0');
  const names = job.tags.map((t) => `${job.host}/${job.repository}:${t}`).join(',');
  const dockerfileDir = job.dockerfile.includes('/')
    ? job.dockerfile.slice(0, job.dockerfile.lastIndexOf('/'))
    : '.';
  const dockerfileName = job.dockerfile.slice(job.dockerfile.lastIndexOf('/') + 1);
  const cacheRef = job.cacheRepository ? `${job.host}/${job.cacheRepository}` : undefined;
  const build = [
    'buildctl-daemonless.sh build',
    '--frontend dockerfile.v0',
    `--local ${shellWordWithVariables(`context=${job.context}`)}`,
    `--local ${shellWordWithVariables(`dockerfile=${dockerfileDir}`)}`,
    ...(dockerfileName !== 'Dockerfile'
      ? [`--opt ${shellWordWithVariables(`filename=${dockerfileName}`)}`]
      : []),
    // buildctl reads --output as CSV: the names list (commas) is one double-quoted CSV field.
    `--output ${shellWordWithVariables(`type=image,"name=${names}",push=true`)}`,
    ...(cacheRef
      ? [
          `--export-cache ${shellQuote(`type=registry,ref=${cacheRef}:buildcache,mode=max,image-manifest=true,oci-mediatypes=true`)}`,
          `--import-cache ${shellQuote(`type=registry,ref=${cacheRef}:buildcache`)}`,
        ]
      : []),
  ].join(' ');
  return yamlOf(job, {
    image: { name: image, entrypoint: [''] },
    variables: { BUILDKITD_FLAGS: '--oci-worker-no-process-sandbox' },
    before_script: [
      ...(source === 'download' ? helperDownloadLines(version) : []),
      'mkdir -p "$HOME/.docker"',
      `echo ${helperConfigWord(job.host)} > "$HOME/.docker/config.json"`,
    ],
    script: [build],
  });
}
