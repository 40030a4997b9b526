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
import { type RepositoryPolicyGrant, repositoryPolicyGrants } from '../builders/repository-policy-grants.js';
import { validateRepositoryName } from '../builders/repository-ref.js';

/** `statement 0 (Sid "x") allows arn:aws:iam::999999999999:root ecr:PutImage, ecr:DeleteRepository`. */
function describeGrant(g: RepositoryPolicyGrant): string {
  const sid = g.sid === undefined ? '' : ` (Sid ${JSON.stringify(g.sid)})`;
  return `statement ${g.index}${sid} allows ${g.principals.join(', ')} ${g.actions.join(', ')}: ${g.reason}`;
}

/** The statements to remove, as the hint names them. */
function statementNames(grants: RepositoryPolicyGrant[]): string {
  return grants
    .map((g) =>
      g.sid === undefined ? `statement ${g.index}` : `statement ${g.index} (Sid ${JSON.stringify(g.sid)})`,
    )
    .join(', ');
}

/** The one `ecr.grants` finding of a repository, from the statements that grant others something. */
function grantsFinding(name: string, stack: string, grants: RepositoryPolicyGrant[], hasPolicy: boolean) {
  const resource = `ecr repository ${name}`;
  const fails = grants.filter((g) => g.status === 'fail');
  const warns = grants.filter((g) => g.status === 'warn');
  const data = { statements: grants };
  const show = `show it: aws ecr get-repository-policy --repository-name ${name}`;
  if (fails.length > 0) {
    const also = warns.length > 0 ? `; it also lets others pull: ${warns.map(describeGrant).join('; ')}` : '';
    return finding(
      'ecr.grants',
      resource,
      'fail',
      `repository policy of ${name} grants more than stack ${stack}'s own (the stack file sets no repository policy): ${fails.map(describeGrant).join('; ')}${also}`,
      {
        hint: `${show}; remove ${statementNames(fails)} and set the rest (aws ecr set-repository-policy --repository-name ${name} --policy-text file://policy.json), or remove the whole policy (aws ecr delete-repository-policy --repository-name ${name})`,
        data,
      },
    );
  }
  if (warns.length > 0)
    return finding(
      'ecr.grants',
      resource,
      'warn',
      `repository policy of ${name} lets principals outside stack ${stack} pull (read only): ${warns.map(describeGrant).join('; ')}`,
      {
        hint: `a cross-account pull is common: keep it if you meant it (the stack file has no field to declare pullers); otherwise ${show} and remove ${statementNames(warns)} (aws ecr set-repository-policy --repository-name ${name} --policy-text file://policy.json, or aws ecr delete-repository-policy --repository-name ${name})`,
        data,
      },
    );
  return finding(
    'ecr.grants',
    resource,
    'ok',
    hasPolicy
      ? `the repository policy grants no more than stack ${stack}'s own`
      : `no repository policy (stack ${stack} sets none)`,
  );
}

/**
 * Finding `ecr.grants` for a repository the stack owns. The stack file sets no repository policy,
 * so its own grants are none (its roles reach ECR through their identity policies): a hand-added
 * statement that allows anyone but the stack's roles (`ownRoles`, by name, in the repository's
 * account) a write action (push, delete, policy, lifecycle, tags...; access levels from the service
 * authorization reference), or uses `NotPrincipal`/`NotAction`, or lets anyone in without a
 * condition, is a `fail` naming each statement (Sid or index), principal and action, with the
 * commands to see and remove it; a read-only grant (a cross-account pull) is a `warn`; otherwise
 * `ok`. See `repositoryPolicyGrants`. A missing repository, or one the stack does not own, gives no
 * finding. Read calls only; condition values are never printed.
 *
 * @example
 * ```ts
 * const findings = await checkRepositoryGrants(clients, { name: 'seed/app', stack: 'seed', ownRoles: ['seed-gitlab-runner-build'] });
 * ```
 */
export async function checkRepositoryGrants(
  clients: AwsClients,
  input: { name: string; stack: string; region?: string; ownRoles?: readonly string[] },
): Promise<Finding[]> {
  validateRepositoryName(input.name, 'name');
  const ecr = await clients.ecr(input.region);
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
  const own = { accountId: arn.split(':')[4] ?? '', ownRoles: input.ownRoles ?? [] };
  const grants = policyText ? repositoryPolicyGrants(policyText, own) : [];
  return [grantsFinding(input.name, input.stack, grants, policyText !== undefined)];
}
