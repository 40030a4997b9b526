/**
 * IAM role operations: create/get/update/delete/list, trust policy, tags, inline policies,
 * attachments and permissions boundary.
 */
import { AwsError } from '../../framework/errors.js';
import { asList, optionalInt, optionalString, requireString } from '../../framework/params.js';
import type { OperationSpec, ServiceRequest } from '../../framework/service.js';
import { checkPolicyGrammar, checkTrustPrincipals, encodeDocument, policySize } from './documents.js';
import {
  checkPolicyName,
  checkRoleName,
  iamPage,
  mergeTags,
  noSuchRole,
  readPath,
  readTags,
  roleShape,
} from './shapes.js';
import { findRole, type IamRole, type IamState, roleArn } from './state.js';

type Req = ServiceRequest<IamState>;

/**
 * IAM quotas read from behaviour (defaults are IAM's defaults).
 * @example quotas(req.behaviour).trustPolicySize // 2048
 */
export function quotas(behaviour: Record<string, unknown>) {
  const n = (key: string, fallback: number): number =>
    typeof behaviour[key] === 'number' ? (behaviour[key] as number) : fallback;
  return {
    trustPolicySize: n('iamAssumeRolePolicySizeQuota', 2048),
    rolePolicySize: n('iamRolePolicySizeQuota', 10_240),
    managedPolicySize: n('iamPolicySizeQuota', 6144),
    attachedPerRole: n('iamAttachedPoliciesPerRoleQuota', 10),
  };
}

function role(req: Req): IamRole {
  const name = requireString(req.input, 'RoleName');
  const found = findRole(req.state, name);
  if (!found) throw noSuchRole(name);
  return found;
}

function checkTrustPolicy(req: Req, document: string): void {
  const statements = checkPolicyGrammar(document, 'trust');
  const quota = quotas(req.behaviour).trustPolicySize;
  if (policySize(document) > quota) {
    throw new AwsError('LimitExceeded', `Cannot exceed quota for ACLSizePerRole: ${quota}`, 409);
  }
  checkTrustPrincipals(
    statements,
    req.state,
    req.clock.now(),
    Number(req.behaviour.iamPropagationSeconds ?? 8),
  );
}

function checkDescription(input: Record<string, unknown>): string | undefined {
  const description = optionalString(input, 'Description');
  if (description !== undefined && description.length > 1000) {
    throw new AwsError(
      'ValidationError',
      "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000",
    );
  }
  return description;
}

const roleResource = (input: Record<string, unknown>, req: Req): string => {
  const name = String(input.RoleName ?? '*');
  return findRole(req.state, name)?.arn ?? roleArn(req.accountId, '/', name);
};

const onRole = { logInput: ['RoleName'], resource: roleResource };

/** Role operations by name. */
export const roleOperations: Record<string, OperationSpec<IamState>> = {
  CreateRole: {
    mutating: true,
    logInput: ['RoleName', 'Path'],
    resource: roleResource,
    handler(req) {
      const name = requireString(req.input, 'RoleName');
      checkRoleName(name);
      const path = readPath(req.input);
      const trust = requireString(req.input, 'AssumeRolePolicyDocument');
      const description = checkDescription(req.input);
      const maxSessionDuration = optionalInt(req.input, 'MaxSessionDuration', 3600, 43_200) ?? 3600;
      const tags = readTags(req.input);
      const boundary = optionalString(req.input, 'PermissionsBoundary');
      if (findRole(req.state, name)) {
        throw new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
      }
      checkTrustPolicy(req, trust);
      if (boundary && !req.state.policies.has(boundary)) {
        throw new AwsError(
          'NoSuchEntity',
          `Scope ARN: ${boundary} does not exist or is not attachable.`,
          404,
        );
      }
      const created: IamRole = {
        name,
        path,
        id: req.state.newId('AROA'),
        arn: roleArn(req.accountId, path, name),
        createdAt: req.clock.now(),
        trustPolicy: trust,
        ...(description !== undefined ? { description } : {}),
        maxSessionDuration,
        ...(boundary ? { permissionsBoundaryArn: boundary } : {}),
        tags,
        inline: new Map(),
        attached: [],
      };
      req.state.roles.set(name.toLowerCase(), created);
      return { Role: roleShape(created, false) };
    },
  },
  GetRole: { ...onRole, handler: (req) => ({ Role: roleShape(role(req), true) }) },
  DeleteRole: {
    ...onRole,
    mutating: true,
    handler(req) {
      const r = role(req);
      if (r.inline.size > 0) {
        throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
      }
      if (r.attached.length > 0) {
        throw new AwsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
      }
      req.state.roles.delete(r.name.toLowerCase());
      return undefined;
    },
  },
  UpdateRole: {
    ...onRole,
    mutating: true,
    handler(req) {
      const r = role(req);
      const description = checkDescription(req.input);
      const max = optionalInt(req.input, 'MaxSessionDuration', 3600, 43_200);
      if (description !== undefined) r.description = description;
      // IAM API reference, UpdateRole: "If you do not specify a value for this setting [MaxSessionDuration],
      // the default value of one hour is applied" -- an UpdateRole for the description alone resets it.
      r.maxSessionDuration = max ?? 3600;
      return {};
    },
  },
  UpdateRoleDescription: {
    ...onRole,
    mutating: true,
    handler(req) {
      const r = role(req);
      r.description = checkDescription(req.input) ?? '';
      return { Role: roleShape(r, true) };
    },
  },
  UpdateAssumeRolePolicy: {
    ...onRole,
    mutating: true,
    handler(req) {
      const r = role(req);
      const document = requireString(req.input, 'PolicyDocument');
      checkTrustPolicy(req, document);
      r.trustPolicy = document;
      return undefined;
    },
  },
  ListRoles: {
    logInput: ['PathPrefix', 'Marker', 'MaxItems'],
    handler(req) {
      const prefix = optionalString(req.input, 'PathPrefix') ?? '/';
      const roles = [...req.state.roles.values()]
        .filter((r) => r.path.startsWith(prefix))
        .sort((a, b) => a.name.localeCompare(b.name));
      const { items, page } = iamPage(roles, req.input);
      return { Roles: items.map((r) => roleShape(r, false)), ...page };
    },
  },
  TagRole: {
    ...onRole,
    mutating: true,
    handler(req) {
      const r = role(req);
      r.tags = mergeTags(r.tags, readTags(req.input), 'Role');
      return undefined;
    },
  },
  UntagRole: {
    ...onRole,
    mutating: true,
    handler(req) {
      const r = role(req);
      const keys = new Set(asList<string>(req.input.TagKeys));
      r.tags = r.tags.filter((t) => !keys.has(t.Key));
      return undefined;
    },
  },
  ListRoleTags: {
    ...onRole,
    handler(req) {
      const { items, page } = iamPage(role(req).tags, req.input);
      return { Tags: items, ...page };
    },
  },
  PutRolePolicy: {
    mutating: true,
    logInput: ['RoleName', 'PolicyName'],
    resource: roleResource,
    handler(req) {
      const r = role(req);
      const policyName = requireString(req.input, 'PolicyName');
      checkPolicyName(policyName);
      const document = requireString(req.input, 'PolicyDocument');
      checkPolicyGrammar(document, 'identity');
      const quota = quotas(req.behaviour).rolePolicySize;
      let total = policySize(document);
      for (const [key, p] of r.inline) if (key !== policyName.toLowerCase()) total += policySize(p.document);
      if (total > quota) {
        throw new AwsError(
          'LimitExceeded',
          `Maximum policy size of ${quota} bytes exceeded for role ${r.name}`,
          409,
        );
      }
      r.inline.set(policyName.toLowerCase(), { name: policyName, document });
      return undefined;
    },
  },
  GetRolePolicy: {
    logInput: ['RoleName', 'PolicyName'],
    resource: roleResource,
    handler(req) {
      const r = role(req);
      const policyName = requireString(req.input, 'PolicyName');
      const p = r.inline.get(policyName.toLowerCase());
      if (!p)
        throw new AwsError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`, 404);
      return { RoleName: r.name, PolicyName: p.name, PolicyDocument: encodeDocument(p.document) };
    },
  },
  DeleteRolePolicy: {
    mutating: true,
    logInput: ['RoleName', 'PolicyName'],
    resource: roleResource,
    handler(req) {
      const r = role(req);
      const policyName = requireString(req.input, 'PolicyName');
      if (!r.inline.delete(policyName.toLowerCase())) {
        throw new AwsError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`, 404);
      }
      return undefined;
    },
  },
  ListRolePolicies: {
    ...onRole,
    handler(req) {
      const names = [...role(req).inline.values()].map((p) => p.name).sort();
      const { items, page } = iamPage(names, req.input);
      return { PolicyNames: items, ...page };
    },
  },
  AttachRolePolicy: {
    mutating: true,
    logInput: ['RoleName', 'PolicyArn'],
    resource: roleResource,
    handler(req) {
      const r = role(req);
      const arn = requireString(req.input, 'PolicyArn');
      if (!req.state.policies.has(arn)) {
        throw new AwsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404);
      }
      if (r.attached.includes(arn)) return undefined;
      const quota = quotas(req.behaviour).attachedPerRole;
      if (r.attached.length >= quota) {
        throw new AwsError('LimitExceeded', `Cannot exceed quota for PoliciesPerRole: ${quota}`, 409);
      }
      r.attached.push(arn);
      return undefined;
    },
  },
  DetachRolePolicy: {
    mutating: true,
    logInput: ['RoleName', 'PolicyArn'],
    resource: roleResource,
    handler(req) {
      const r = role(req);
      const arn = requireString(req.input, 'PolicyArn');
      if (!r.attached.includes(arn)) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
      r.attached = r.attached.filter((a) => a !== arn);
      return undefined;
    },
  },
  ListAttachedRolePolicies: {
    ...onRole,
    handler(req) {
      const prefix = optionalString(req.input, 'PathPrefix') ?? '/';
      const attached = role(req).attached.flatMap((arn) => {
        const p = req.state.policies.get(arn);
        return p?.path.startsWith(prefix) ? [{ PolicyName: p.name, PolicyArn: p.arn }] : [];
      });
      const { items, page } = iamPage(attached, req.input);
      return { AttachedPolicies: items, ...page };
    },
  },
  PutRolePermissionsBoundary: {
    mutating: true,
    logInput: ['RoleName', 'PermissionsBoundary'],
    resource: roleResource,
    handler(req) {
      const r = role(req);
      const arn = requireString(req.input, 'PermissionsBoundary');
      if (!req.state.policies.has(arn)) {
        throw new AwsError('NoSuchEntity', `Scope ARN: ${arn} does not exist or is not attachable.`, 404);
      }
      r.permissionsBoundaryArn = arn;
      return undefined;
    },
  },
  DeleteRolePermissionsBoundary: {
    ...onRole,
    mutating: true,
    handler(req) {
      const r = role(req);
      delete r.permissionsBoundaryArn;
      return undefined;
    },
  },
};
