/** The commented starter stack file that `eks-kit init` writes. */

/**
 * The commented starter `eks-kit.yaml` (valid as it is: `parseStack(starterStack())` succeeds).
 *
 * @example
 * ```ts
 * await writeFile('eks-kit.yaml', starterStack({ name: 'prod', cluster: 'prod-eks', region: 'eu-west-1' }));
 * ```
 */
export function starterStack(options: { name?: string; cluster?: string; region?: string } = {}): string {
  const name = options.name ?? 'my-stack';
  const cluster = options.cluster ?? 'my-cluster';
  const region = options.region ?? 'eu-west-1';
  return `# eks-kit.yaml: the AWS side of an EKS platform, as one file.
# eks-kit plan    shows what apply would change; eks-kit apply makes it so; eks-kit check reports health;
# eks-kit render --out deploy writes helmfile.yaml, values/, .gitlab-ci.yml and a docker config.json.

# Every resource eks-kit creates is tagged eks-kit:stack=<name>.
name: ${name}

cluster:
  name: ${cluster}
  region: ${region}
  # Quote it: unquoted, YAML reads 1.30 as the number 1.3.
  kubernetesVersion: "1.35"
  # oidcIssuer: https://oidc.eks.${region}.amazonaws.com/id/EXAMPLE   # default: read from EKS

# Extra tags for everything eks-kit creates (optional).
# tags:
#   team: platform

autoscaler:
  identity:
    mode: irsa            # irsa | pod-identity | kube2iam (workerRoleArns) | kiam (serverRoleArn)
  workerGroups:           # exactly one of: names, prefix, clusterTags: true
    prefix: ${cluster}-workers-
  # nodeTemplates:        # for groups that scale from zero
  #   ${cluster}-workers-gpu:
  #     labels: { accelerator: nvidia }
  #     taints: { nvidia.com/gpu: "true:NoSchedule" }
  #     resources: { nvidia.com/gpu: "1" }
  release: cluster-autoscaler
  namespace: kube-system
  # serviceAccount: cluster-autoscaler-aws-cluster-autoscaler   # default: the chart's <release>-aws-cluster-autoscaler
  extraArgs:
    expander: least-waste
    balance-similar-node-groups: true

metricsServer:
  enabled: true

certificates:
  - domainName: "*.example.com"
    subjectAlternativeNames: [example.com]
    keyAlgorithm: RSA_2048  # RSA_2048 | EC_prime256v1 | EC_secp384r1
    # zones: { example.com: Z0123456789ABC }   # default: the longest public zone that matches

repositories:
  - name: app
    tagMutability: IMMUTABLE
    scanOnPush: true
    lifecycle: { keepLast: 30, untaggedDays: 14 }
    cache: true             # also app/cache for kaniko's --cache-repo

gitlab:
  runner:
    namespace: gitlab-runner
    serviceAccount: gitlab-runner-build
  builder: kaniko           # kaniko | buildkit
  repository: app
  context: .
  dockerfile: Dockerfile

checks:
  warnDays: 45              # certificate expiry: warn from ACM's renewal window (45 of 198 days)
  failDays: 30              # fail when ACM should have renewed and has not
`;
}
