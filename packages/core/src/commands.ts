/**
 * Send an SDK v3 command by its operation name (issue 22): for callers that issue reads they know
 * the input of without importing every SDK client package (the stack's read prefetch).
 */
import type { AwsClients, ServiceKey } from './clients.js';
import { InvalidInputError } from './errors.js';

type CommandClass = new (input: object) => object;

/**
 * The reads {@link sendRead} may start, each loaded as `(await import("<package>")).<Command>`: that
 * shape is what the bundles' esbuild plugins (tools/esbuild-plugins) narrow to the one command, so a
 * bundle carries these commands and not every command of every client.
 */
const READ_COMMANDS: Readonly<Record<string, () => Promise<unknown>>> = {
  'sts:GetCallerIdentity': async () => (await import('@aws-sdk/client-sts')).GetCallerIdentityCommand,
  'eks:DescribeCluster': async () => (await import('@aws-sdk/client-eks')).DescribeClusterCommand,
  'iam:GetOpenIDConnectProvider': async () =>
    (await import('@aws-sdk/client-iam')).GetOpenIDConnectProviderCommand,
  'iam:GetRole': async () => (await import('@aws-sdk/client-iam')).GetRoleCommand,
  'iam:GetRolePolicy': async () => (await import('@aws-sdk/client-iam')).GetRolePolicyCommand,
  'iam:ListRolePolicies': async () => (await import('@aws-sdk/client-iam')).ListRolePoliciesCommand,
  'iam:ListAttachedRolePolicies': async () =>
    (await import('@aws-sdk/client-iam')).ListAttachedRolePoliciesCommand,
  'iam:ListRoles': async () => (await import('@aws-sdk/client-iam')).ListRolesCommand,
  'ecr:GetRegistryScanningConfiguration': async () =>
    (await import('@aws-sdk/client-ecr')).GetRegistryScanningConfigurationCommand,
  'ecr:DescribeRepositories': async () => (await import('@aws-sdk/client-ecr')).DescribeRepositoriesCommand,
  'ecr:GetLifecyclePolicy': async () => (await import('@aws-sdk/client-ecr')).GetLifecyclePolicyCommand,
  'ecr:ListTagsForResource': async () => (await import('@aws-sdk/client-ecr')).ListTagsForResourceCommand,
  'ecr:GetRepositoryPolicy': async () => (await import('@aws-sdk/client-ecr')).GetRepositoryPolicyCommand,
  'acm:DescribeCertificate': async () => (await import('@aws-sdk/client-acm')).DescribeCertificateCommand,
  'acm:ListTagsForCertificate': async () =>
    (await import('@aws-sdk/client-acm')).ListTagsForCertificateCommand,
  'autoScaling:DescribeAutoScalingGroups': async () =>
    (await import('@aws-sdk/client-auto-scaling')).DescribeAutoScalingGroupsCommand,
};

/**
 * Send `service:operation` with `input` through the client set (in `region`, for ACM and ECR). Only
 * the reads listed in READ_COMMANDS are allowed: it exists to start reads early.
 *
 * @example
 * ```ts
 * const out = await sendRead(clients, 'iam', 'GetRole', { RoleName: 'ca' });
 * ```
 */
export async function sendRead(
  clients: AwsClients,
  service: ServiceKey,
  operation: string,
  input: Record<string, unknown>,
  region?: string,
): Promise<unknown> {
  const loadCommand = READ_COMMANDS[`${service}:${operation}`];
  if (!loadCommand)
    throw new InvalidInputError(
      'operation',
      `${service}:${operation}`,
      `one of the reads sendRead starts (${Object.keys(READ_COMMANDS).join(', ')})`,
    );
  const Command = (await loadCommand()) as CommandClass;
  const client =
    service === 'acm' || service === 'ecr'
      ? await clients[service](region)
      : await (clients[service] as () => Promise<unknown>)();
  return (client as { send(command: object): Promise<unknown> }).send(new Command(input));
}
