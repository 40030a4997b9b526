/** The EKS Pod Identity association of a service account: find it, converge it to a role. */
// Types only: the EKS package is loaded where a call needs it (issue 21).
import type { PodIdentityAssociation } from '@aws-sdk/client-eks';
import {
  type AwsClients,
  applyPlan,
  clusterNotFoundError,
  type EnsureOptions,
  type EnsureResult,
  isNotFoundError,
  type PlannedChange,
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
  const { DescribePodIdentityAssociationCommand, ListPodIdentityAssociationsCommand } = await import(
    '@aws-sdk/client-eks'
  );
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
 * role. Idempotent; dry run calls only reads; runs on core's converge engine (`applyPlan`).
 *
 * @example
 * ```ts
 * const { changes } = await ensurePodIdentityAssociation(clients, { cluster: 'prod', namespace: 'kube-system', serviceAccount: 'ca', roleArn });
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
): Promise<EnsureResult> {
  const resource = `eks pod identity association ${input.cluster}/${input.namespace}/${input.serviceAccount}`;
  const existing = await findPodIdentityAssociation(clients, input);
  if (existing && existing.roleArn === input.roleArn) return { changes: [] };
  const eks = await clients.eks();
  const { CreatePodIdentityAssociationCommand, UpdatePodIdentityAssociationCommand } = await import(
    '@aws-sdk/client-eks'
  );
  const step: PlannedChange = existing
    ? {
        change: {
          action: 'update',
          resource,
          summary: `role ${existing.roleArn} -> ${input.roleArn}`,
          before: { roleArn: existing.roleArn },
          after: { roleArn: input.roleArn },
        },
        operation: 'eks:UpdatePodIdentityAssociation',
        apply: () =>
          eks.send(
            new UpdatePodIdentityAssociationCommand({
              clusterName: input.cluster,
              associationId: existing.associationId,
              roleArn: input.roleArn,
            }),
          ),
      }
    : {
        change: {
          action: 'create',
          resource,
          summary: `associate service account ${input.namespace}/${input.serviceAccount} with ${input.roleArn}`,
          after: { roleArn: input.roleArn },
        },
        operation: 'eks:CreatePodIdentityAssociation',
        apply: () =>
          eks.send(
            new CreatePodIdentityAssociationCommand({
              clusterName: input.cluster,
              namespace: input.namespace,
              serviceAccount: input.serviceAccount,
              roleArn: input.roleArn,
              ...(input.tags ? { tags: input.tags } : {}),
            }),
          ),
      };
  return applyPlan([step], options);
}
