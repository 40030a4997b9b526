/**
 * The `eks-kit.yaml` schema (zod v4). Shape and types only: the rules of AWS names (DNS, regions,
 * cluster names, tags, ECR repository names) are checked afterwards by the packages' own validators
 * (see `load/semantic.ts`), so each rule lives in one place.
 *
 * The schema is built on first use ({@link stackSchema}), not when the module is imported: building
 * it is ~100 zod constructor calls, paid by every importer of @eks-kit/stack (the checks Lambda's
 * init time among them) even when no stack file is parsed.
 */
// `* as z`: a bundler keeps only the zod members used (`{ z }` keeps the whole namespace object).
import { DEFAULT_CERT_FAIL_DAYS, DEFAULT_CERT_WARN_DAYS } from '@eks-kit/acm-dns-validation';
import * as z from 'zod';

const text = (what: string) => z.string({ error: what }).min(1, { error: what });
const stringMap = (what: string) =>
  z.record(z.string(), z.string({ error: what }), { error: `a map of ${what}` });

/** Identity the Cluster Autoscaler's pod gets its AWS role from (docs/AWS-FACTS.md#iam-trust-for-pods). */
export const IDENTITY_MODES = ['irsa', 'pod-identity', 'kube2iam', 'kiam'] as const;
/** Key algorithms ACM can request (docs/AWS-FACTS.md#acm-requestcertificate). */
export const KEY_ALGORITHMS = ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'] as const;
/** ECR image tag mutability settings (docs/AWS-FACTS.md#ecr-repositories). */
export const TAG_MUTABILITIES = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
] as const;
/** Image builders the GitLab job can use. */
export const BUILDERS = ['kaniko', 'buildkit'] as const;

/** Build the whole stack schema (once: {@link stackSchema} memoises it). */
function buildStackSchema() {
  const clusterSchema = z.strictObject({
    name: text('an EKS cluster name'),
    region: text('an AWS region such as eu-west-1'),
    // A string only: unquoted, YAML reads 1.30 as the number 1.3.
    kubernetesVersion: z.string({
      error: 'a quoted Kubernetes version such as "1.35" (YAML reads 1.30 unquoted as 1.3)',
    }),
    oidcIssuer: text('an OIDC issuer URL (https://oidc.eks.<region>.amazonaws.com/id/...)').optional(),
  });

  const identitySchema = z.strictObject({
    mode: z.enum(IDENTITY_MODES),
    /** kube2iam: the worker node roles that may assume the autoscaler role. */
    workerRoleArns: z.array(text('an IAM role ARN')).optional(),
    /** kiam: the kiam server role. */
    serverRoleArn: text('an IAM role ARN').optional(),
  });

  const workerGroupsSchema = z.strictObject({
    names: z.array(text('an Auto Scaling group name')).optional(),
    prefix: text('an Auto Scaling group name prefix').optional(),
    clusterTags: z.boolean({ error: 'true or false' }).optional(),
    /** Take over the selected groups made by hand (no `eks-kit:stack` tag): tag them for this stack. */
    adopt: z.boolean({ error: 'true or false' }).optional(),
  });

  const nodeTemplateSchema = z.strictObject({
    labels: stringMap('label values').optional(),
    /** Taints by key: `value:Effect` (the effect is required). */
    taints: stringMap('taints value:Effect').optional(),
    resources: z
      .record(z.string(), z.union([z.string(), z.number()], { error: 'a quantity such as 1 or 8Gi' }))
      .optional(),
    autoscalingOptions: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()], { error: 'a string, number or boolean' }),
      )
      .optional(),
  });

  const autoscalerSchema = z.strictObject({
    identity: identitySchema.default({ mode: 'irsa' }),
    workerGroups: workerGroupsSchema,
    /** A template by hand, or `from-nodegroup`: read from the EKS node group / launch template (issue 19). */
    nodeTemplates: z
      .record(
        z.string(),
        z.union([z.literal('from-nodegroup'), nodeTemplateSchema], {
          error: (issue) =>
            typeof issue.input === 'string'
              ? 'from-nodegroup, or a template with labels, taints, resources, autoscalingOptions'
              : undefined,
        }),
      )
      .optional(),
    release: text('a Helm release name').default('cluster-autoscaler'),
    namespace: text('a Kubernetes namespace').default('kube-system'),
    serviceAccount: text('a Kubernetes service account name').optional(),
    extraArgs: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()], { error: 'a string, number or boolean' }),
      )
      .optional(),
    /** Flags eks-kit does not check, passed to the chart as they are. */
    uncheckedExtraArgs: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()], { error: 'a string, number or boolean' }),
      )
      .optional(),
    roleName: text('an IAM role name').optional(),
    /** Take over an autoscaler role of that name made by hand (no `eks-kit:stack` tag). */
    adopt: z.boolean({ error: 'true or false' }).optional(),
    chartVersion: text('a chart version such as 9.59.0').optional(),
    /**
     * The cluster-autoscaler image tag (e.g. v1.36.1): needed, with chartVersion, for a Kubernetes minor
     * outside eks-kit's version map; its minor must be the cluster's.
     */
    imageTag: text('an image tag such as v1.35.2').optional(),
    /**
     * On a cluster in EKS Auto Mode (EKS scales the nodes, no Cluster Autoscaler): `refuse` (default)
     * plans, applies and renders no autoscaler there and checks say so in one finding; `install`
     * does it anyway.
     */
    onAutoMode: z.enum(['refuse', 'install'], { error: 'refuse or install' }).default('refuse'),
  });

  const metricsServerSchema = z.strictObject({
    enabled: z.boolean({ error: 'true or false' }).default(true),
    args: z.array(text('a metrics-server flag')).optional(),
    chartVersion: text('a chart version such as 3.13.0').optional(),
  });

  /** Route 53 through a role in another account (the DNS account); ACM stays in the stack's account. */
  const dnsSchema = z.strictObject({
    roleArn: text('an IAM role ARN such as arn:aws:iam::222222222222:role/eks-kit-dns'),
    /** The sts:ExternalId the role's trust policy requires (a shared secret, never printed). */
    externalId: text('an external id').optional(),
    sessionName: text('an STS session name').optional(),
  });

  const certificateSchema = z.strictObject({
    domainName: text('a DNS name such as app.example.com'),
    subjectAlternativeNames: z.array(text('a DNS name')).optional(),
    zones: z.record(z.string(), text('a Route 53 hosted zone id such as Z0123456789ABC')).optional(),
    keyAlgorithm: z.enum(KEY_ALGORITHMS).default('RSA_2048'),
    region: text('an AWS region such as eu-west-1').optional(),
    /** Reuse a matching certificate requested by hand (no `eks-kit:stack` tag) and tag it for this stack. */
    adopt: z.boolean({ error: 'true or false' }).optional(),
    /** This certificate's Route 53 role; wins over the stack's `dns`. */
    dns: dnsSchema.optional(),
  });

  const lifecycleSchema = z.strictObject({
    keepLast: z.number({ error: 'a whole number' }).int({ error: 'a whole number' }).optional(),
    untaggedDays: z.number({ error: 'a whole number' }).int({ error: 'a whole number' }).optional(),
  });

  const repositorySchema = z.strictObject({
    name: text('an ECR repository name'),
    tagMutability: z.enum(TAG_MUTABILITIES).default('MUTABLE'),
    /** Tag filters ECR leaves out of tagMutability (required with *_WITH_EXCLUSION, 1-5 filters). */
    tagMutabilityExclusions: z.array(z.string({ error: 'a tag filter' })).optional(),
    scanOnPush: z.boolean({ error: 'true or false' }).default(true),
    lifecycle: lifecycleSchema.optional(),
    cache: z.boolean({ error: 'true or false' }).default(false),
    /** Take over a repository of that name made by hand (no `eks-kit:stack` tag); also its cache. */
    adopt: z.boolean({ error: 'true or false' }).optional(),
  });

  const gitlabSchema = z.strictObject({
    runner: z.strictObject({
      namespace: text('a Kubernetes namespace').default('gitlab-runner'),
      serviceAccount: text('a Kubernetes service account name'),
      roleName: text('an IAM role name').optional(),
      /** Take over a build role of that name made by hand (no `eks-kit:stack` tag). */
      adopt: z.boolean({ error: 'true or false' }).optional(),
    }),
    builder: z.enum(BUILDERS).default('kaniko'),
    repository: text('the name of one of the repositories'),
    context: text('a build context directory').default('.'),
    dockerfile: text('a Dockerfile path').default('Dockerfile'),
    image: text('a builder image reference').optional(),
    /** Pin the default (released) builder image to this digest too (issue 23). */
    imageDigest: text('an image digest such as sha256:<64 hex digits>').optional(),
  });

  const checksSchema = z.strictObject({
    warnDays: z
      .number({ error: 'a whole number of days' })
      .int({ error: 'a whole number of days' })
      .default(DEFAULT_CERT_WARN_DAYS),
    failDays: z
      .number({ error: 'a whole number of days' })
      .int({ error: 'a whole number of days' })
      .default(DEFAULT_CERT_FAIL_DAYS),
    /**
     * Turns on the public-resolution check of pending certificates, through these DNS servers (`host`
     * or `host:port`; `[]`: the system's). Absent: the check does not run.
     */
    dnsServers: z.array(text('a DNS server such as 1.1.1.1 or 127.0.0.1:5353')).optional(),
  });

  return z.strictObject({
    /** Stack name: every resource eks-kit creates is tagged `eks-kit:stack=<name>`. */
    name: text('a stack name'),
    cluster: clusterSchema,
    /** Extra tags for every resource eks-kit creates. */
    tags: stringMap('tag values').optional(),
    autoscaler: autoscalerSchema.optional(),
    metricsServer: metricsServerSchema.optional(),
    /** Route 53 role for every certificate (a certificate's own `dns` wins). */
    dns: dnsSchema.optional(),
    certificates: z.array(certificateSchema).default([]),
    repositories: z.array(repositorySchema).default([]),
    gitlab: gitlabSchema.optional(),
    // Defaults from ACM's 198-day lifetime and 45-day renewal window (docs/AWS-FACTS.md#acm-198-day-certificates-and-the-renewal-window).
    checks: checksSchema.default({ warnDays: DEFAULT_CERT_WARN_DAYS, failDays: DEFAULT_CERT_FAIL_DAYS }),
  });
}

let builtStackSchema: ReturnType<typeof buildStackSchema> | undefined;

/**
 * The whole stack file schema (shapes and types; `validateStack` adds the semantic rules), built on
 * the first call and the same object afterwards.
 *
 * @example
 * ```ts
 * const result = stackSchema().safeParse(yamlData); // then parseStack() turns issues into file:line errors
 * stackSchema() === stackSchema(); // true
 * ```
 */
export function stackSchema(): ReturnType<typeof buildStackSchema> {
  builtStackSchema ??= buildStackSchema();
  return builtStackSchema;
}

/** A parsed and validated stack (defaults applied, names normalised). */
export type Stack = z.output<ReturnType<typeof buildStackSchema>>;
/** The cluster section of a {@link Stack}. */
export type StackCluster = Stack['cluster'];
/** The autoscaler section of a {@link Stack}. */
export type StackAutoscaler = NonNullable<Stack['autoscaler']>;
/** One certificate of a {@link Stack}. */
export type StackCertificate = Stack['certificates'][number];
/** A `dns:` block: the role Route 53 calls go through. */
export type StackDns = NonNullable<Stack['dns']>;
/** One repository of a {@link Stack}. */
export type StackRepository = Stack['repositories'][number];
/** The GitLab section of a {@link Stack}. */
export type StackGitlab = NonNullable<Stack['gitlab']>;
