/** checkRepositoryGrants: a repository policy on a repository the stack owns that grants too much. */
import {
  DescribeRepositoriesCommand,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecr';
import {
  type AwsClients,
  classifyOwnership,
  type Finding,
  finding,
  isNotFoundError,
  wrapAwsError,
} from '@eks-kit/core';
import { overBroadGrants } from '@eks-kit/iam-policies';
import { validateRepositoryName } from '../builders/repository-ref.js';

/**
 * Finding `ecr.grants` for a repository the stack owns: `fail` when its repository policy grants
 * more than a stack ever does (anyone, `Principal: "*"`, without a condition; `ecr:*` or `*`
 * actions), naming the policy's reasons; `ok` otherwise. A missing repository, or one the stack does
 * not own, gives no finding. Read calls only.
 *
 * @example
 * ```ts
 * const findings = await checkRepositoryGrants(clients, { name: 'seed/app', stack: 'seed' });
 * ```
 */
export async function checkRepositoryGrants(
  clients: AwsClients,
  input: { name: string; stack: string; region?: string },
): Promise<Finding[]> {
  validateRepositoryName(input.name, 'name');
  const ecr = await clients.ecr(input.region);
  const resource = `ecr repository ${input.name}`;
  let arn: string | undefined;
  try {
    const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [input.name] }));
    arn = out.repositories?.[0]?.repositoryArn;
  } catch (error) {
    if (isNotFoundError(error)) return [];
    throw wrapAwsError(error, 'ecr:DescribeRepositories', input.name);
  }
  if (!arn) return [];
  const tags = await ecr
    .send(new ListTagsForResourceCommand({ resourceArn: arn }))
    .catch((error: unknown) => {
      throw wrapAwsError(error, 'ecr:ListTagsForResource', arn);
    });
  if (classifyOwnership(tags.tags, input.stack).kind !== 'owned') return [];
  let policyText: string | undefined;
  try {
    policyText = (await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: input.name }))).policyText;
  } catch (error) {
    if (!isNotFoundError(error)) throw wrapAwsError(error, 'ecr:GetRepositoryPolicy', input.name);
  }
  const reasons = policyText ? overBroadGrants(policyText, { resource: true }) : [];
  if (reasons.length === 0)
    return [
      finding(
        'ecr.grants',
        resource,
        'ok',
        `the repository policy grants no more than stack ${input.stack}'s own`,
      ),
    ];
  return [
    finding(
      'ecr.grants',
      resource,
      'fail',
      `repository policy of ${input.name} grants more than stack ${input.stack}'s own: ${reasons.join('; ')}`,
      {
        hint: `remove it (aws ecr delete-repository-policy --repository-name ${input.name}) or name the principals and actions it needs`,
        data: { reasons },
      },
    ),
  ];
}
