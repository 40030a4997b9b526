/**
 * IAM SimulatePrincipalPolicy for roles: evaluates a role's inline policies, attached managed
 * policies (default version) and permissions boundary against action names and resource ARNs, as
 * the IAM policy simulator does without context: explicit Deny wins, then an Allow is needed (and
 * one from the boundary when the role has one). Action names match case-insensitively, resources
 * case-sensitively, both with `*` and `?` wildcards; `NotAction` and `NotResource` are honoured. A
 * statement with a `Condition` is not applied: the simulator, given no context entries, cannot
 * satisfy its keys (documented simplification). Answers `EvaluationResults` with `EvalDecision`
 * `allowed`, `explicitDeny` or `implicitDeny` and the matched statements' policy ids.
 */
import { AwsError } from '../../framework/errors.js';
import { asList, requireString } from '../../framework/params.js';
import type { OperationSpec, ServiceRequest } from '../../framework/service.js';
import { findRole, type IamRole, type IamState } from './state.js';

type Req = ServiceRequest<IamState>;

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: unknown;
}

interface SourcePolicy {
  id: string;
  type: 'role' | 'managed' | 'boundary';
  statements: Statement[];
}

function glob(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

function statementsOf(document: string): Statement[] {
  try {
    const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
    return Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  } catch {
    return [];
  }
}

function applies(s: Statement, action: string, resource: string): boolean {
  if (s.Condition !== undefined) return false;
  const actionHit =
    s.Action !== undefined
      ? list(s.Action).some((a) => glob(a, 'i').test(action))
      : !list(s.NotAction).some((a) => glob(a, 'i').test(action));
  if (!actionHit) return false;
  return s.Resource !== undefined
    ? list(s.Resource).some((r) => glob(r, '').test(resource))
    : !list(s.NotResource).some((r) => glob(r, '').test(resource));
}

function managedDocument(state: IamState, arn: string): string | undefined {
  const p = state.policies.get(arn);
  return p?.versions.find((v) => v.versionId === p.defaultVersionId)?.document;
}

function sourcesOf(state: IamState, role: IamRole): { identity: SourcePolicy[]; boundary?: SourcePolicy } {
  const identity: SourcePolicy[] = [
    ...[...role.inline.values()].map((p) => ({
      id: p.name,
      type: 'role' as const,
      statements: statementsOf(p.document),
    })),
    ...role.attached.map((arn) => ({
      id: state.policies.get(arn)?.name ?? arn,
      type: 'managed' as const,
      statements: statementsOf(managedDocument(state, arn) ?? '{}'),
    })),
  ];
  const boundaryDoc = role.permissionsBoundaryArn
    ? managedDocument(state, role.permissionsBoundaryArn)
    : undefined;
  return {
    identity,
    ...(role.permissionsBoundaryArn
      ? {
          boundary: {
            id: role.permissionsBoundaryArn,
            type: 'boundary' as const,
            statements: statementsOf(boundaryDoc ?? '{}'),
          },
        }
      : {}),
  };
}

function evaluate(
  sources: { identity: SourcePolicy[]; boundary?: SourcePolicy },
  action: string,
  resource: string,
): { EvalActionName: string; EvalResourceName: string; EvalDecision: string; MatchedStatements: unknown[] } {
  const matches = (effect: string, from: SourcePolicy[]) =>
    from.flatMap((p) =>
      p.statements.some((s) => s.Effect === effect && applies(s, action, resource))
        ? [
            {
              SourcePolicyId: p.id,
              SourcePolicyType:
                p.type === 'managed'
                  ? 'IAM Policy'
                  : p.type === 'boundary'
                    ? 'PermissionsBoundaryPolicy'
                    : 'role',
            },
          ]
        : [],
    );
  const all = sources.boundary ? [...sources.identity, sources.boundary] : sources.identity;
  const denied = matches('Deny', all);
  const result = (decision: string, matched: unknown[]) => ({
    EvalActionName: action,
    EvalResourceName: resource,
    EvalDecision: decision,
    MatchedStatements: matched,
  });
  if (denied.length > 0) return result('explicitDeny', denied);
  const allowed = matches('Allow', sources.identity);
  if (allowed.length === 0) return result('implicitDeny', []);
  if (sources.boundary && matches('Allow', [sources.boundary]).length === 0)
    return result('implicitDeny', []);
  return result('allowed', allowed);
}

/** SimulatePrincipalPolicy (roles only; a user or group ARN answers NoSuchEntity). */
export const simulateOperations: Record<string, OperationSpec<IamState>> = {
  SimulatePrincipalPolicy: {
    logInput: ['PolicySourceArn'],
    resource: (input) => String(input.PolicySourceArn ?? '*'),
    handler(req: Req) {
      const source = requireString(req.input, 'PolicySourceArn', 'InvalidInput');
      const role = /:role\//.test(source) ? findRole(req.state, source) : undefined;
      if (!role) throw new AwsError('NoSuchEntity', `The principal ${source} cannot be found.`, 404);
      const actions = asList<string>(req.input.ActionNames);
      if (actions.length === 0) {
        throw new AwsError('InvalidInput', 'ActionNames must list at least one action.', 400);
      }
      const resources = asList<string>(req.input.ResourceArns);
      const sources = sourcesOf(req.state, role);
      const results = actions.flatMap((action) =>
        (resources.length > 0 ? resources : ['*']).map((resource) => evaluate(sources, action, resource)),
      );
      return { EvaluationResults: results, IsTruncated: false };
    },
  },
};
