/** The EKS Pod Identity association of a service account: find it, converge it to a role. */
import {
  CreatePodIdentityAssociationCommand,
  DescribePodIdentityAssociationCommand,
  ListPodIdentityAssociationsCommand,
  type PodIdentityAssociation,
  UpdatePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import {
  type AwsClients,
  type Change,
  clusterNotFoundError,
  EksKitError,
  type EnsureOptions,
  isNotFoundError,
  wrapAwsError,
} from '@eks-kit/core';

/**
 * The association of one service account, or undefined (ListPodIdentityAssociations filtered by
 * namespace and service account, then DescribePodIdentityAssociation for its role).
 *
 * @example
 * ```ts
 * const a = await findPodIdentityAssociation(clients, { cluster: 'prod', namespace: 'kube-system', serviceAccount: 'ca' });
 * a?.roleArn;
 * ```
 */
export async function findPodIdentityAssociation(
  clients: AwsClients,
  input: { cluster: string; namespace: string; serviceAccount: string },
): Promise<PodIdentityAssociation | undefined> {
  const eks = await clients.eks();
  const where = `${input.cluster}/${input.namespace}/${input.serviceAccount}`;
  try {
    const list = await eks.send(
      new ListPodIdentityAssociationsCommand({
        clusterName: input.cluster,
        namespace: input.namespace,
        serviceAccount: input.serviceAccount,
      }),
    );
    const id = list.associations?.[0]?.associationId;
    if (!id) return undefined;
    const out = await eks.send(
      new DescribePodIdentityAssociationCommand({ clusterName: input.cluster, associationId: id }),
    );
    return out.association;
  } catch (error) {
    if (isNotFoundError(error)) throw clusterNotFoundError(input.cluster, clients.region, error);
    throw wrapAwsError(error, 'eks:ListPodIdentityAssociations', where);
  }
}

/**
 * Make the service account's Pod Identity association point at `roleArn`: create it, or update its
 * role. Idempotent; dry run calls only reads.
 *
 * @example
 * ```ts
 * const changes = await ensurePodIdentityAssociation(clients, { cluster: 'prod', namespace: 'kube-system', serviceAccount: 'ca', roleArn });
 * ```
 */
export async function ensurePodIdentityAssociation(
  clients: AwsClients,
  input: {
    cluster: string;
    namespace: string;
    serviceAccount: string;
    roleArn: string;
    tags?: Record<string, string>;
  },
  options: EnsureOptions = {},
): Promise<Change[]> {
  const resource = `eks pod identity association ${input.cluster}/${input.namespace}/${input.serviceAccount}`;
  const existing = await findPodIdentityAssociation(clients, input);
  if (existing && existing.roleArn === input.roleArn) return [];
  const eks = await clients.eks();
  if (!existing) {
    const change: Change = {
      action: 'create',
      resource,
      summary: `associate service account ${input.namespace}/${input.serviceAccount} with ${input.roleArn}`,
      after: { roleArn: input.roleArn },
    };
    if (!options.dryRun) {
      try {
        await eks.send(
          new CreatePodIdentityAssociationCommand({
            clusterName: input.cluster,
            namespace: input.namespace,
            serviceAccount: input.serviceAccount,
            roleArn: input.roleArn,
            ...(input.tags ? { tags: input.tags } : {}),
          }),
        );
      } catch (error) {
        throw wrapAwsError(error, 'eks:CreatePodIdentityAssociation', resource);
      }
    }
    return [change];
  }
  const change: Change = {
    action: 'update',
    resource,
    summary: `role ${existing.roleArn} -> ${input.roleArn}`,
    before: { roleArn: existing.roleArn },
    after: { roleArn: input.roleArn },
  };
  if (!options.dryRun) {
    try {
      await eks.send(
        new UpdatePodIdentityAssociationCommand({
          clusterName: input.cluster,
          associationId: existing.associationId,
          roleArn: input.roleArn,
        }),
      );
    } catch (error) {
      throw wrapAwsError(error, 'eks:UpdatePodIdentityAssociation', resource);
    }
  }
  return [change];
}
