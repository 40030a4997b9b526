/**
 * Semantic rules of a stack, checked after the schema: AWS names and cross-references. Name rules
 * come from the packages' own validators (core's DNS, region, cluster name and tag rules), so a rule
 * lives in one place; rules that belong to one domain package are called through `domain-rules.ts`.
 */
import { ACM_PUBLIC_LIFETIME_DAYS } from '@eks-kit/acm-dns-validation';
import {
  InvalidInputError,
  parseArn,
  partitionOfRegion,
  STACK_TAG_KEY,
  validateAssumeRoleSpec,
  validateClusterName,
  validateDnsName,
  validateRegion,
  validateTags,
  validateTagValue,
} from '@eks-kit/core';
import { validateDerivedNames } from '../orchestrate/derived-names.js';
import type { Stack } from '../schema/stack-schema.js';
import {
  validateAutoscalerChart,
  validateCertificate,
  validateGitlabJob,
  validateK8sName,
  validateK8sNamespace,
  validateKubernetesVersion,
  validateMetricsServer,
  validateNodeTemplate,
  validateRepositoryName,
  validateRoleName,
  validateTagMutability,
} from './domain-rules.js';
import { formatPath } from './field-path.js';

/** The tag every resource eks-kit creates carries (core's one definition), re-exported for the stack's users. */
export { STACK_TAG_KEY };

const ZONE_ID_RE = /^(?:\/hostedzone\/)?Z[A-Z0-9]{1,32}$/;

function wholeRange(value: number | undefined, field: string, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InvalidInputError(field, value, `a whole number from ${min} to ${max}`);
}

/**
 * Check the semantic rules of a schema-valid stack and return it normalised (DNS names in lower
 * case without the trailing dot, zone ids without `/hostedzone/`). Throws {@link InvalidInputError}
 * naming the field path.
 *
 * @example
 * ```ts
 * const stack = validateStack(stackSchema().parse(data));
 * ```
 */
export function validateStack(input: Stack): Stack {
  const stack: Stack = structuredClone(input);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(stack.name))
    throw new InvalidInputError(
      'name',
      stack.name,
      'a stack name: 1-63 letters, digits, - or _, starting with a letter or digit',
    );
  validateTagValue(stack.name, 'name');
  validateClusterName(stack.cluster.name, 'cluster.name');
  validateRegion(stack.cluster.region, 'cluster.region');
  validateKubernetesVersion(stack.cluster.kubernetesVersion, 'cluster.kubernetesVersion');
  if (stack.cluster.oidcIssuer !== undefined) {
    const issuer = stack.cluster.oidcIssuer;
    // A host and a path, as EKS issuers have (https://oidc.eks.<region>.amazonaws.com/id/<ID>): the
    // build role's trust (ecr-credentials) needs the path, so a bare host would fail mid-apply.
    if (!/^https:\/\/[a-z0-9.-]+(?:\/[A-Za-z0-9._~-]+)+\/*$/.test(issuer))
      throw new InvalidInputError(
        'cluster.oidcIssuer',
        issuer,
        'an https:// OIDC issuer URL with a path (https://oidc.eks.<region>.amazonaws.com/id/<ID>)',
      );
    stack.cluster.oidcIssuer = issuer.replace(/\/+$/, '');
  }
  if (stack.tags) {
    validateTags(stack.tags, 'tags', 49);
    if (Object.keys(stack.tags).some((k) => k === STACK_TAG_KEY))
      throw new InvalidInputError(
        `tags.${STACK_TAG_KEY}`,
        STACK_TAG_KEY,
        'no eks-kit:stack tag (eks-kit sets it from name)',
      );
  }
  if (stack.autoscaler) validateAutoscaler(stack);
  if (stack.metricsServer) validateMetricsServer(stack.metricsServer);
  validateCertificates(stack);
  validateRepositories(stack);
  // Issue 15: derived names never truncated, never shared. Before the GitLab job's cross-references, so
  // that a repository too long for its <name>/cache is named as such, not as an unknown gitlab.repository.
  validateDerivedNames(stack);
  if (stack.gitlab) validateGitlab(stack);
  const { warnDays, failDays } = stack.checks;
  // A public ACM certificate lives 198 days since 2026-02-18: more warns for every certificate.
  wholeRange(failDays, 'checks.failDays', 0, ACM_PUBLIC_LIFETIME_DAYS);
  wholeRange(warnDays, 'checks.warnDays', 1, ACM_PUBLIC_LIFETIME_DAYS);
  if (warnDays <= failDays)
    throw new InvalidInputError('checks.warnDays', warnDays, `more days than checks.failDays (${failDays})`);
  return stack;
}

function validateAutoscaler(stack: Stack): void {
  const a = stack.autoscaler!;
  const { identity, workerGroups } = a;
  if (identity.mode === 'kube2iam') {
    if (!identity.workerRoleArns?.length)
      throw new InvalidInputError(
        'autoscaler.identity.workerRoleArns',
        identity.workerRoleArns,
        'the worker node role ARNs kube2iam runs as (required for kube2iam)',
      );
  } else if (identity.workerRoleArns !== undefined) {
    throw new InvalidInputError(
      'autoscaler.identity.workerRoleArns',
      identity.workerRoleArns,
      'no workerRoleArns unless mode is kube2iam',
    );
  }
  if (identity.mode === 'kiam') {
    if (!identity.serverRoleArn)
      throw new InvalidInputError(
        'autoscaler.identity.serverRoleArn',
        undefined,
        'the kiam server role ARN (required for kiam)',
      );
  } else if (identity.serverRoleArn !== undefined) {
    throw new InvalidInputError(
      'autoscaler.identity.serverRoleArn',
      identity.serverRoleArn,
      'no serverRoleArn unless mode is kiam',
    );
  }
  for (const [i, arn] of (identity.workerRoleArns ?? []).entries())
    roleArn(arn, `autoscaler.identity.workerRoleArns[${i}]`, stack.cluster.region);
  if (identity.serverRoleArn)
    roleArn(identity.serverRoleArn, 'autoscaler.identity.serverRoleArn', stack.cluster.region);

  const ways = [
    workerGroups.names !== undefined,
    workerGroups.prefix !== undefined,
    workerGroups.clusterTags === true,
  ];
  if (ways.filter(Boolean).length !== 1) {
    // Name what was given ("names and prefix"), so two ways are not reported as "got nothing".
    const given = ['names', 'prefix', 'clusterTags: true'].filter((_, i) => ways[i]);
    throw new InvalidInputError(
      'autoscaler.workerGroups',
      given.length === 0 ? undefined : given.join(' and '),
      'exactly one of names, prefix or clusterTags: true',
    );
  }
  if (workerGroups.names) {
    if (workerGroups.names.length === 0)
      throw new InvalidInputError(
        'autoscaler.workerGroups.names',
        workerGroups.names,
        'at least one Auto Scaling group name',
      );
    const seen = new Set<string>();
    for (const [i, name] of workerGroups.names.entries()) {
      asgName(name, `autoscaler.workerGroups.names[${i}]`);
      if (seen.has(name))
        throw new InvalidInputError(`autoscaler.workerGroups.names[${i}]`, name, 'each group once');
      seen.add(name);
    }
  }
  if (workerGroups.prefix !== undefined) asgName(workerGroups.prefix, 'autoscaler.workerGroups.prefix');
  for (const [group, template] of Object.entries(a.nodeTemplates ?? {})) {
    const field = formatPath(['autoscaler', 'nodeTemplates', group]);
    asgName(group, field);
    if (template !== 'from-nodegroup') validateNodeTemplate(template, field);
  }
  validateAutoscalerChart(a, stack.cluster.kubernetesVersion);
  if (a.roleName !== undefined) validateRoleName(a.roleName, 'autoscaler.roleName');
}

function roleArn(value: string, field: string, region: string): void {
  const arn = parseArn(value, field);
  if (arn.service !== 'iam' || !arn.resource.startsWith('role/'))
    throw new InvalidInputError(field, value, 'an IAM role ARN (arn:aws:iam::123456789012:role/name)');
  // The autoscaler role's trust names these roles: IAM refuses principals of another partition.
  const partition = partitionOfRegion(region);
  if (arn.partition !== partition)
    throw new InvalidInputError(
      field,
      value,
      `an IAM role ARN in the cluster's partition (arn:${partition}:iam::...)`,
    );
}

function asgName(value: string, field: string): void {
  // Auto Scaling group names: 1-255 characters, no colon (Auto Scaling API reference).
  // asg-discovery also refuses control characters when it selects the groups (apply time).
  if (
    value.length < 1 ||
    value.length > 255 ||
    value.includes(':') ||
    [...value].some((c) => c.charCodeAt(0) < 32)
  )
    throw new InvalidInputError(
      field,
      value,
      'an Auto Scaling group name of 1-255 characters without ":" or control characters',
    );
}

function validateCertificates(stack: Stack): void {
  if (stack.dns) validateAssumeRoleSpec(stack.dns, 'dns');
  const seen = new Map<string, number>();
  stack.certificates.forEach((cert, i) => {
    const at = `certificates[${i}]`;
    const names = validateCertificate(cert, at, stack.cluster.region);
    cert.domainName = names.domainName;
    cert.subjectAlternativeNames = names.subjectAlternativeNames;
    // The region is part of a certificate's identity: the same names in us-east-1 (CloudFront) and in
    // the cluster's region (a load balancer) are two certificates (issue 17).
    const key =
      [cert.domainName, ...[...cert.subjectAlternativeNames].sort()].join(',') +
      `|${cert.keyAlgorithm}|${cert.region ?? stack.cluster.region}`;
    if (seen.has(key))
      throw new InvalidInputError(
        `${at}.domainName`,
        cert.domainName,
        `a certificate not already listed as certificates[${seen.get(key)}]`,
      );
    seen.set(key, i);
    if (cert.region !== undefined) {
      validateRegion(cert.region, `${at}.region`);
      // One set of credentials serves the stack: a certificate cannot live in another partition.
      const partition = partitionOfRegion(stack.cluster.region);
      if (partitionOfRegion(cert.region) !== partition)
        throw new InvalidInputError(
          `${at}.region`,
          cert.region,
          `a region in the cluster's partition (${partition}, as cluster.region ${stack.cluster.region})`,
        );
    }
    if (cert.dns) validateAssumeRoleSpec(cert.dns, `${at}.dns`);
    if (cert.zones) {
      const zones: Record<string, string> = {};
      for (const [name, id] of Object.entries(cert.zones)) {
        const field = formatPath(['certificates', i, 'zones', name]);
        const zone = validateDnsName(name, field, { allowWildcard: false });
        if (!ZONE_ID_RE.test(id))
          throw new InvalidInputError(field, id, 'a Route 53 hosted zone id such as Z0123456789ABC');
        zones[zone] = id.replace(/^\/hostedzone\//, '');
      }
      const names = [cert.domainName, ...cert.subjectAlternativeNames].map((n) => n.replace(/^\*\./, ''));
      for (const zone of Object.keys(zones)) {
        if (!names.some((n) => n === zone || n.endsWith(`.${zone}`)))
          throw new InvalidInputError(
            formatPath(['certificates', i, 'zones', zone]),
            zone,
            'a zone that contains one of the certificate names',
          );
      }
      cert.zones = zones;
    }
  });
}

function validateRepositories(stack: Stack): void {
  const seen = new Set<string>();
  const listed = new Set(stack.repositories.map((r) => r.name));
  stack.repositories.forEach((repo, i) => {
    const at = `repositories[${i}]`;
    validateRepositoryName(repo.name, `${at}.name`);
    if (seen.has(repo.name))
      throw new InvalidInputError(`${at}.name`, repo.name, 'a repository name not already listed');
    seen.add(repo.name);
    // A name too long for its <name>/cache repository: validateDerivedNames (derived names, one rule).
    if (repo.cache && listed.has(`${repo.name}/cache`))
      throw new InvalidInputError(
        `${at}.cache`,
        true,
        `no cache: ${repo.name}/cache is listed as a repository`,
      );
    const exclusions = validateTagMutability(repo, at);
    if (exclusions) repo.tagMutabilityExclusions = exclusions;
    wholeRange(repo.lifecycle?.keepLast, `${at}.lifecycle.keepLast`, 1, 10_000);
    wholeRange(repo.lifecycle?.untaggedDays, `${at}.lifecycle.untaggedDays`, 1, 3650);
  });
}

function validateGitlab(stack: Stack): void {
  const g = stack.gitlab!;
  validateK8sNamespace(g.runner.namespace, 'gitlab.runner.namespace');
  validateK8sName(g.runner.serviceAccount, 'gitlab.runner.serviceAccount');
  if (g.runner.roleName !== undefined) validateRoleName(g.runner.roleName, 'gitlab.runner.roleName');
  const names = stack.repositories.map((r) => r.name);
  if (!names.includes(g.repository))
    throw new InvalidInputError(
      'gitlab.repository',
      g.repository,
      names.length
        ? `one of the repositories (${names.join(', ')})`
        : 'a repository listed under repositories',
    );
  validateGitlabJob(g);
}
