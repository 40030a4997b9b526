/**
 * `renderStack`: the files a stack implies, as data (no I/O): helmfile.yaml and values for the
 * autoscaler and metrics-server (helm-values), the GitLab build job (ecr-credentials) and the
 * docker config.json for the build pod.
 */
import { dnsRolePolicy, dnsRoleTrustPolicy } from '@eks-kit/acm-dns-validation';
import { compareCodeUnits, formatArn, partitionOfRegion, validateAccountId } from '@eks-kit/core';
import { dockerConfig, gitlabBuildkitJob, gitlabKanikoJob, registryHostFor } from '@eks-kit/ecr-credentials';
import {
  clusterAutoscalerRelease,
  type HelmfileRelease,
  type HelmfileRepository,
  helmfile,
  metricsServerRelease,
  type PodIdentity,
  valuesYaml,
} from '@eks-kit/helm-values';
import { autoscalerRoleName, autoscalerServiceAccount } from '../orchestrate/names.js';
import type { Stack } from '../schema/stack-schema.js';
import { certificateDns } from '../steps/certificates.js';

/** One rendered file. */
export interface RenderedFile {
  /** Path relative to the output folder, `/`-separated. */
  path: string;
  content: string;
  /** File mode (0600 for the docker config). */
  mode: number;
}

/**
 * The files of a stack. Deterministic: the same stack and account give the same bytes.
 *
 * @example
 * ```ts
 * for (const file of renderStack(stack, { accountId: '123456789012' })) console.log(file.path);
 * // helmfile.yaml, values/cluster-autoscaler.yaml, values/metrics-server.yaml, .gitlab-ci.yml, docker/config.json
 * ```
 */
export function renderStack(
  stack: Stack,
  options: {
    accountId: string;
    /**
     * EKS add-ons the cluster has (DescribeAddon): with `metrics-server` among them, the helmfile
     * leaves out eks-kit's metrics-server release, so the cluster does not get a second copy.
     */
    installedAddons?: readonly string[];
  },
): RenderedFile[] {
  const accountId = validateAccountId(options.accountId, 'accountId');
  const files: RenderedFile[] = [];
  const region = stack.cluster.region;
  const repositories: HelmfileRepository[] = [];
  const releases: HelmfileRelease[] = [];
  const valueFiles: RenderedFile[] = [];
  if (stack.autoscaler) {
    const a = stack.autoscaler;
    const autoscaler = clusterAutoscalerRelease({
      cluster: stack.cluster.name,
      region,
      kubernetesVersion: stack.cluster.kubernetesVersion,
      identity: podIdentity(stack, accountId),
      release: a.release,
      namespace: a.namespace,
      ...(a.chartVersion ? { chartVersion: a.chartVersion } : {}),
      ...(a.imageTag ? { image: { tag: a.imageTag } } : {}),
      serviceAccount: { name: autoscalerServiceAccount(stack) },
      ...(a.extraArgs ? { extraArgs: a.extraArgs } : {}),
      ...(a.uncheckedExtraArgs ? { uncheckedExtraArgs: a.uncheckedExtraArgs } : {}),
    });
    repositories.push(autoscaler.repository);
    releases.push({ ...autoscaler.release, values: ['values/cluster-autoscaler.yaml'] });
    valueFiles.push({
      path: 'values/cluster-autoscaler.yaml',
      content: valuesYaml(autoscaler.release.values[0]),
      mode: 0o644,
    });
  }
  const ms = stack.metricsServer;
  if (ms && ms.enabled !== false && !options.installedAddons?.includes('metrics-server')) {
    const metrics = metricsServerRelease({
      ...(ms.args ? { args: ms.args } : {}),
      ...(ms.chartVersion ? { chartVersion: ms.chartVersion } : {}),
    });
    repositories.push(metrics.repository);
    releases.push({ ...metrics.release, values: ['values/metrics-server.yaml'] });
    valueFiles.push({
      path: 'values/metrics-server.yaml',
      content: valuesYaml(metrics.release.values?.[0] ?? {}),
      mode: 0o644,
    });
  }
  if (releases.length > 0) {
    const file = helmfile({ repositories, releases });
    files.push({ path: file.fileName, content: file.content, mode: 0o644 }, ...valueFiles);
  }
  if (stack.gitlab) {
    const g = stack.gitlab;
    const registry = registryHostFor(accountId, region);
    const repo = stack.repositories.find((r) => r.name === g.repository);
    const job = {
      registry,
      repository: g.repository,
      context: g.context,
      dockerfile: g.dockerfile,
      cache: repo?.cache ?? false,
      ...(g.image ? { image: g.image } : {}),
      ...(g.imageDigest ? { imageDigest: g.imageDigest } : {}),
    };
    files.push({
      path: '.gitlab-ci.yml',
      content: g.builder === 'buildkit' ? gitlabBuildkitJob(job) : gitlabKanikoJob(job),
      mode: 0o644,
    });
    files.push({
      path: 'docker/config.json',
      content: `${JSON.stringify(dockerConfig({ credHelpers: [registry] }), null, 2)}\n`,
      mode: 0o600,
    });
  }
  // For the owners of each DNS account (certificates whose zone is in another account): the role's
  // permission policy and its trust of this account (the external id as a placeholder: a secret).
  const roles = new Map<string, boolean>();
  for (const cert of stack.certificates) {
    const dns = certificateDns(stack, cert);
    if (dns) roles.set(dns.roleArn, (roles.get(dns.roleArn) ?? false) || dns.externalId !== undefined);
  }
  for (const [roleArn, externalId] of [...roles].sort(([a], [b]) => compareCodeUnits(a, b))) {
    const base = `dns-account/${roleArn.split(':')[4]}-${roleArn.slice(roleArn.lastIndexOf('/') + 1)}`;
    files.push(
      { path: `${base}.policy.json`, content: `${JSON.stringify(dnsRolePolicy(), null, 2)}\n`, mode: 0o644 },
      {
        path: `${base}.trust.json`,
        content: `${JSON.stringify(
          dnsRoleTrustPolicy({
            workloadAccountId: accountId,
            ...(externalId ? { externalId: '<the dns.externalId of the stack file>' } : {}),
          }),
          null,
          2,
        )}\n`,
        mode: 0o644,
      },
    );
  }
  return files;
}

function podIdentity(stack: Stack, accountId: string): PodIdentity {
  const roleArn = formatArn({
    partition: partitionOfRegion(stack.cluster.region),
    service: 'iam',
    region: '',
    accountId,
    resource: `role/${autoscalerRoleName(stack)}`,
  });
  const mode = stack.autoscaler!.identity.mode;
  if (mode === 'pod-identity') return { type: 'pod-identity' };
  return { type: mode, roleArn };
}
