/**
 * Rules that belong to one domain package, called through that package's own validator so that each
 * rule lives in one place. Each re-homes the package's field name under the stack's key path.
 */
import { nodeTemplateTags } from '@eks-kit/asg-discovery';
import { InvalidInputError } from '@eks-kit/core';
import {
  DEFAULT_KANIKO_IMAGE,
  validateRepositoryName as ecrRepositoryName,
  normaliseRepositorySpec,
  validateBuildPath,
  validateImageReference,
  withImageDigest,
} from '@eks-kit/ecr-credentials';
import {
  clusterAutoscalerChartVersion,
  clusterAutoscalerExtraArgs,
  clusterAutoscalerImageTag,
  kubernetesMinor,
  metricsServerRelease,
  validateKubernetesName,
  validateNamespace,
  validateReleaseName,
} from '@eks-kit/helm-values';
import { validateRoleName as iamRoleName } from '@eks-kit/iam-policies';
import { normalisedCertificateRequest } from '../orchestrate/certificate-request.js';
import type { Stack, StackAutoscaler, StackCertificate, StackGitlab } from '../schema/stack-schema.js';

/** Run a package validator and put its error's field under `parent` (or rename it with `rename`). */
function under<T>(
  parent: string,
  check: () => T,
  rename?: (field: string) => string,
  reword?: (error: InvalidInputError, field: string) => { expected: string; hint: string } | undefined,
): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof InvalidInputError) {
      if (rename) {
        const field = rename(error.field);
        const words = reword?.(error, field);
        return rethrow(error, field, words?.expected ?? error.expected, words?.hint ?? error.hint);
      }
      throw error.under(parent);
    }
    throw error;
  }
}

function rethrow(error: InvalidInputError, field: string, expected: string, hint: string | undefined): never {
  throw new InvalidInputError(field, error.value, expected, {
    ...(hint !== undefined ? { hint } : {}),
    cause: error,
  });
}

/**
 * A Kubernetes minor outside helm-values' version map: name the stack keys to pin (helm-values'
 * own words name its library fields, chartVersion and image.tag).
 */
function kubernetesPinHint(
  error: InvalidInputError,
  field: string,
): { expected: string; hint: string } | undefined {
  if (field !== 'cluster.kubernetesVersion') return undefined;
  const minor = /^v?(\d+\.\d+)/.exec(String(error.value))?.[1] ?? 'x.y';
  return {
    expected: error.expected.replace(
      /, or (chartVersion|image\.tag) pinned$/,
      ', or autoscaler.chartVersion and autoscaler.imageTag set',
    ),
    hint: `eks-kit's version map does not know which autoscaler goes with Kubernetes ${minor}: set autoscaler.chartVersion (a cluster-autoscaler chart for ${minor}) and autoscaler.imageTag (v${minor}.x) in the stack file, or upgrade eks-kit`,
  };
}

/**
 * A certificate through acm-dns-validation's request rules (names, wildcard placement, 64-octet
 * domain name, SAN quota, key algorithm, region); returns the normalised names.
 *
 * @example
 * ```ts
 * validateCertificate({ domainName: '*.Foo.example.com', keyAlgorithm: 'RSA_2048' }, 'certificates[0]', 'eu-west-1');
 * ```
 */
export function validateCertificate(
  cert: StackCertificate,
  field: string,
  defaultRegion: string,
): { domainName: string; subjectAlternativeNames: string[] } {
  // The zones are checked apart, each naming its key (semantic.ts), after the names.
  const request = under(field, () =>
    normalisedCertificateRequest({ cluster: { region: defaultRegion } }, { ...cert, zones: undefined }),
  );
  return { domainName: request.domainName, subjectAlternativeNames: request.subjectAlternativeNames };
}

/**
 * ECR repository names (ecr-credentials' rule).
 *
 * @example
 * ```ts
 * validateRepositoryName('team/app', 'repositories[0].name');
 * ```
 */
export function validateRepositoryName(value: unknown, field: string): string {
  return under('', () => ecrRepositoryName(value, field));
}

/**
 * A repository's tag mutability and its exclusion filters (ecr-credentials' rule, written from ECR's
 * ImageTagMutabilityExclusionFilter: 1-5 WILDCARD filters of `[0-9a-zA-Z._*-]{1,128}`, required with
 * and only with `*_WITH_EXCLUSION`). Returns the filters sorted, or undefined when there are none.
 *
 * @example
 * ```ts
 * validateTagMutability({ name: 'app', tagMutability: 'IMMUTABLE_WITH_EXCLUSION', tagMutabilityExclusions: ['latest'] }, 'repositories[0]');
 * ```
 */
export function validateTagMutability(
  repo: { name: string; tagMutability: string; tagMutabilityExclusions?: string[] | undefined },
  field: string,
): string[] | undefined {
  const spec = under(field, () =>
    normaliseRepositorySpec({
      name: repo.name,
      tagMutability: repo.tagMutability as 'MUTABLE',
      ...(repo.tagMutabilityExclusions !== undefined
        ? { tagMutabilityExclusions: repo.tagMutabilityExclusions }
        : {}),
    }),
  );
  return spec.tagMutabilityExclusions;
}

/**
 * IAM role names (iam-policies' rule).
 *
 * @example
 * ```ts
 * validateRoleName('seed-cluster-autoscaler', 'autoscaler.roleName');
 * ```
 */
export function validateRoleName(value: unknown, field: string): string {
  return under('', () => iamRoleName(value, field));
}

/**
 * A Kubernetes version (helm-values' parser: a string, not YAML's float 1.3).
 *
 * @example
 * ```ts
 * validateKubernetesVersion('1.35', 'cluster.kubernetesVersion');
 * ```
 */
export function validateKubernetesVersion(value: unknown, field: string): string {
  const minor = under('', () => kubernetesMinor(value, field));
  // EKS standard and extended support start at 1.23 (older versions cannot be created any more).
  if (Number(minor.split('.')[1]) < 23)
    throw new InvalidInputError(field, value, 'a Kubernetes version EKS supports (1.23 or later)');
  return value as string;
}

/**
 * The autoscaler's Helm side through helm-values: release and namespace names, the chart version
 * for the cluster's Kubernetes minor (unknown minors need `chartVersion` pinned), checked extraArgs.
 *
 * @example
 * ```ts
 * validateAutoscalerChart(stack.autoscaler, '1.35');
 * ```
 */
export function validateAutoscalerChart(a: StackAutoscaler, kubernetesVersion: string): void {
  under('', () => validateReleaseName(a.release, 'autoscaler.release'));
  under('', () => validateNamespace(a.namespace, 'autoscaler.namespace'));
  if (a.serviceAccount !== undefined)
    under('', () => validateKubernetesName(a.serviceAccount, 'autoscaler.serviceAccount'));
  under(
    '',
    () => clusterAutoscalerChartVersion(kubernetesVersion, a.chartVersion),
    (f) => (f === 'chartVersion' ? 'autoscaler.chartVersion' : 'cluster.kubernetesVersion'),
    kubernetesPinHint,
  );
  const imageTag = under(
    '',
    () => clusterAutoscalerImageTag(kubernetesVersion, a.imageTag),
    (f) => (f === 'image.tag' ? 'autoscaler.imageTag' : 'cluster.kubernetesVersion'),
    kubernetesPinHint,
  );
  if (a.extraArgs)
    under('autoscaler', () => clusterAutoscalerExtraArgs(a.extraArgs, a.uncheckedExtraArgs, { imageTag }));
  else if (a.uncheckedExtraArgs)
    under('autoscaler', () => clusterAutoscalerExtraArgs(undefined, a.uncheckedExtraArgs));
  noHelmTemplates(a.extraArgs, 'autoscaler.extraArgs');
  noHelmTemplates(a.uncheckedExtraArgs, 'autoscaler.uncheckedExtraArgs');
}

/**
 * Values that go into a plain helmfile.yaml's values: no Go template (`{{`), which helmfile would
 * refuse there (helm-values refuses it when rendering; the stack refuses it when loading).
 */
function noHelmTemplates(value: unknown, field: string): void {
  if (typeof value === 'string') {
    if (value.includes('{{'))
      throw new InvalidInputError(
        field,
        value,
        'no Go template ({{ }}): eks-kit renders a plain helmfile.yaml',
      );
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      noHelmTemplates(item, `${field}[${i}]`);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) noHelmTemplates(item, `${field}.${key}`);
  }
}

/**
 * metrics-server through helm-values: the extra `args` (flags, each once) and the pinned chart version.
 *
 * @example
 * ```ts
 * validateMetricsServer({ enabled: true, args: ['--kubelet-insecure-tls'], chartVersion: '3.13.1' });
 * ```
 */
export function validateMetricsServer(ms: NonNullable<Stack['metricsServer']>): void {
  under('metricsServer', () =>
    metricsServerRelease({
      ...(ms.args ? { args: ms.args } : {}),
      ...(ms.chartVersion !== undefined ? { chartVersion: ms.chartVersion } : {}),
    }),
  );
  noHelmTemplates(ms.args, 'metricsServer.args');
}

/**
 * The values of the GitLab build job (ecr-credentials' grammars): the build context and Dockerfile
 * paths (CI variables such as `$CI_PROJECT_DIR` allowed, nothing the shell would run), the builder
 * image reference.
 *
 * @example
 * ```ts
 * validateGitlabJob({ context: '.', dockerfile: 'Dockerfile', image: 'moby/buildkit:rootless', ... });
 * ```
 */
export function validateGitlabJob(g: StackGitlab): void {
  under('', () => validateBuildPath(g.context, 'gitlab.context'));
  under('', () => validateBuildPath(g.dockerfile, 'gitlab.dockerfile'));
  if (g.image !== undefined) under('', () => validateImageReference(g.image, 'gitlab.image'));
  if (g.imageDigest !== undefined) {
    if (g.image !== undefined)
      throw new InvalidInputError('gitlab.imageDigest', g.imageDigest, 'no imageDigest with image', {
        hint: 'write the digest into gitlab.image itself: <image>:<tag>@sha256:<hex>',
      });
    under('', () => withImageDigest(DEFAULT_KANIKO_IMAGE, g.imageDigest, 'gitlab.imageDigest'));
  }
}

/**
 * Node template of a worker group for scale from zero (asg-discovery's tag rules: label keys,
 * taints `value:Effect` with the effect required, resource quantities, tag key lengths).
 *
 * @example
 * ```ts
 * validateNodeTemplate({ taints: { dedicated: 'gpu:NoSchedule' } }, 'autoscaler.nodeTemplates.w-gpu');
 * ```
 */
export function validateNodeTemplate(
  template: NonNullable<StackAutoscaler['nodeTemplates']>[string],
  field: string,
): void {
  // `from-nodegroup` is read from AWS at plan time; there is nothing to check offline.
  if (template === 'from-nodegroup') return;
  under('', () => nodeTemplateTags(template, field));
}

/**
 * A Kubernetes namespace (a DNS label of at most 63 characters, helm-values' rule; the GitLab
 * build role's trust in ecr-credentials refuses anything else when applying).
 *
 * @example
 * ```ts
 * validateK8sNamespace('gitlab-runner', 'gitlab.runner.namespace');
 * ```
 */
export function validateK8sNamespace(value: unknown, field: string): string {
  return under('', () => validateNamespace(value, field));
}

/**
 * Kubernetes object names (service accounts) through helm-values' rule.
 *
 * @example
 * ```ts
 * validateK8sName('gitlab-runner-build', 'gitlab.runner.serviceAccount');
 * ```
 */
export function validateK8sName(value: unknown, field: string): string {
  return under('', () => validateKubernetesName(value, field));
}
