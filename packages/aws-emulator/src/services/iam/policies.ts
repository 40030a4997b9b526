/**
 * IAM managed policy operations: create/get/delete/list, versions (at most 5, the default one
 * not deletable), tags. AWS managed policies (`arn:aws:iam::aws:policy/...`) exist for attachment.
 */
import { AwsError } from '../../framework/errors.js';
import { asList, optionalBool, optionalString, requireString } from '../../framework/params.js';
import type { OperationSpec, ServiceRequest } from '../../framework/service.js';
import { checkPolicyGrammar, encodeDocument, policySize } from './documents.js';
import { quotas } from './roles.js';
import {
  checkPolicyName,
  iamPage,
  mergeTags,
  noSuchPolicy,
  policyShape,
  readPath,
  readTags,
  usage,
} from './shapes.js';
import type { IamState, ManagedPolicy, PolicyVersion } from './state.js';

type Req = ServiceRequest<IamState>;

const MAX_VERSIONS = 5;

function policy(req: Req): ManagedPolicy {
  const arn = requireString(req.input, 'PolicyArn');
  const found = req.state.policies.get(arn);
  if (!found) throw noSuchPolicy(arn);
  return found;
}

function customerPolicy(req: Req): ManagedPolicy {
  const p = policy(req);
  if (p.awsManaged) {
    throw new AwsError('AccessDenied', `Cannot modify an AWS managed policy: ${p.arn}`, 403);
  }
  return p;
}

function checkManagedDocument(req: Req, document: string): void {
  checkPolicyGrammar(document, 'identity');
  const quota = quotas(req.behaviour).managedPolicySize;
  if (policySize(document) > quota)
    throw new AwsError('LimitExceeded', `Cannot exceed quota for PolicySize: ${quota}`, 409);
}

function versionShape(p: ManagedPolicy, v: PolicyVersion, withDocument: boolean): Record<string, unknown> {
  return {
    Document: withDocument ? encodeDocument(v.document) : undefined,
    VersionId: v.versionId,
    IsDefaultVersion: v.versionId === p.defaultVersionId,
    CreateDate: new Date(v.createdAt),
  };
}

function version(p: ManagedPolicy, req: Req): PolicyVersion {
  const id = requireString(req.input, 'VersionId');
  const v = p.versions.find((x) => x.versionId === id);
  if (!v)
    throw new AwsError(
      'NoSuchEntity',
      `Policy ${p.arn} version ${id} does not exist or is not attachable.`,
      404,
    );
  return v;
}

const onPolicy = {
  logInput: ['PolicyArn'],
  resource: (input: Record<string, unknown>) => String(input.PolicyArn ?? '*'),
};
const onVersion = { ...onPolicy, logInput: ['PolicyArn', 'VersionId'] };

/** Managed policy operations by name. */
export const policyOperations: Record<string, OperationSpec<IamState>> = {
  CreatePolicy: {
    mutating: true,
    logInput: ['PolicyName', 'Path'],
    resource: (input, req) =>
      `arn:aws:iam::${req.accountId}:policy${String(input.Path ?? '/')}${String(input.PolicyName)}`,
    handler(req) {
      const name = requireString(req.input, 'PolicyName');
      checkPolicyName(name);
      const path = readPath(req.input);
      const document = requireString(req.input, 'PolicyDocument');
      const description = optionalString(req.input, 'Description');
      const tags = readTags(req.input, 'Policy');
      const arn = `arn:aws:iam::${req.accountId}:policy${path}${name}`;
      const clash = [...req.state.policies.values()].some(
        (p) => !p.awsManaged && p.name.toLowerCase() === name.toLowerCase() && p.path === path,
      );
      if (clash) {
        throw new AwsError(
          'EntityAlreadyExists',
          `A policy called ${name} already exists. Duplicate names are not allowed.`,
          409,
        );
      }
      checkManagedDocument(req, document);
      const now = req.clock.now();
      const created: ManagedPolicy = {
        name,
        path,
        id: req.state.newId('ANPA'),
        arn,
        ...(description !== undefined ? { description } : {}),
        createdAt: now,
        updatedAt: now,
        defaultVersionId: 'v1',
        versions: [{ versionId: 'v1', document, createdAt: now }],
        nextVersion: 2,
        tags,
        awsManaged: false,
      };
      req.state.policies.set(arn, created);
      return { Policy: policyShape(req.state, created, true) };
    },
  },
  GetPolicy: { ...onPolicy, handler: (req) => ({ Policy: policyShape(req.state, policy(req), true) }) },
  DeletePolicy: {
    ...onPolicy,
    mutating: true,
    handler(req) {
      const p = customerPolicy(req);
      const used = usage(req.state, p.arn);
      if (used.attachments > 0 || used.boundaries > 0) {
        throw new AwsError('DeleteConflict', 'Cannot delete a policy attached to entities.', 409);
      }
      if (p.versions.length > 1) {
        throw new AwsError(
          'DeleteConflict',
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
          409,
        );
      }
      req.state.policies.delete(p.arn);
      return undefined;
    },
  },
  ListPolicies: {
    logInput: ['Scope', 'OnlyAttached', 'PathPrefix', 'Marker', 'MaxItems'],
    handler(req) {
      const scope = optionalString(req.input, 'Scope') ?? 'All';
      if (!['All', 'AWS', 'Local'].includes(scope)) {
        throw new AwsError(
          'ValidationError',
          `1 validation error detected: Value '${scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]`,
        );
      }
      const onlyAttached = optionalBool(req.input, 'OnlyAttached') ?? false;
      const prefix = optionalString(req.input, 'PathPrefix') ?? '/';
      const policies = [...req.state.policies.values()]
        .filter((p) => scope === 'All' || (scope === 'AWS') === p.awsManaged)
        .filter((p) => p.path.startsWith(prefix))
        .filter((p) => !onlyAttached || usage(req.state, p.arn).attachments > 0)
        .sort((a, b) => a.name.localeCompare(b.name) || a.arn.localeCompare(b.arn));
      const { items, page } = iamPage(policies, req.input);
      return { Policies: items.map((p) => policyShape(req.state, p, false)), ...page };
    },
  },
  CreatePolicyVersion: {
    ...onPolicy,
    mutating: true,
    handler(req) {
      const p = customerPolicy(req);
      const document = requireString(req.input, 'PolicyDocument');
      if (p.versions.length >= MAX_VERSIONS) {
        throw new AwsError(
          'LimitExceeded',
          'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
          409,
        );
      }
      checkManagedDocument(req, document);
      const v: PolicyVersion = { versionId: `v${p.nextVersion++}`, document, createdAt: req.clock.now() };
      p.versions.push(v);
      if (optionalBool(req.input, 'SetAsDefault')) p.defaultVersionId = v.versionId;
      p.updatedAt = v.createdAt;
      return { PolicyVersion: versionShape(p, v, false) };
    },
  },
  GetPolicyVersion: {
    ...onVersion,
    handler(req) {
      const p = policy(req);
      return { PolicyVersion: versionShape(p, version(p, req), true) };
    },
  },
  ListPolicyVersions: {
    ...onPolicy,
    handler(req) {
      const p = policy(req);
      const versions = [...p.versions].reverse().map((v) => versionShape(p, v, false));
      const { items, page } = iamPage(versions, req.input);
      return { Versions: items, ...page };
    },
  },
  DeletePolicyVersion: {
    ...onVersion,
    mutating: true,
    handler(req) {
      const p = customerPolicy(req);
      const v = version(p, req);
      if (v.versionId === p.defaultVersionId) {
        throw new AwsError('DeleteConflict', 'Cannot delete the default version of a policy.', 409);
      }
      p.versions = p.versions.filter((x) => x !== v);
      return undefined;
    },
  },
  SetDefaultPolicyVersion: {
    ...onVersion,
    mutating: true,
    handler(req) {
      const p = customerPolicy(req);
      p.defaultVersionId = version(p, req).versionId;
      p.updatedAt = req.clock.now();
      return undefined;
    },
  },
  TagPolicy: {
    ...onPolicy,
    mutating: true,
    handler(req) {
      const p = customerPolicy(req);
      p.tags = mergeTags(p.tags, readTags(req.input, 'Policy'), 'Policy');
      return undefined;
    },
  },
  UntagPolicy: {
    ...onPolicy,
    mutating: true,
    handler(req) {
      const p = customerPolicy(req);
      const keys = new Set(asList<string>(req.input.TagKeys));
      p.tags = p.tags.filter((t) => !keys.has(t.Key));
      return undefined;
    },
  },
  ListPolicyTags: {
    ...onPolicy,
    handler(req) {
      const { items, page } = iamPage(policy(req).tags, req.input);
      return { Tags: items, ...page };
    },
  },
};
