/**
 * IAM OpenID Connect providers (IRSA): ARN `arn:aws:iam::<acct>:oidc-provider/<host/path>`.
 */
import { AwsError, validationError } from '../../framework/errors.js';
import { asList, requireString } from '../../framework/params.js';
import type { OperationSpec, ServiceRequest } from '../../framework/service.js';
import { xmlMap } from '../../framework/xml.js';
import { quotas } from './roles.js';
import { mergeTags, readTags } from './shapes.js';
import { type IamState, type OidcProvider, oidcProviderArn } from './state.js';

type Req = ServiceRequest<IamState>;

function provider(req: Req): OidcProvider {
  const arn = requireString(req.input, 'OpenIDConnectProviderArn');
  const found = req.state.oidcProviders.get(arn);
  if (!found) throw new AwsError('NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`, 404);
  return found;
}

const onProvider = {
  logInput: ['OpenIDConnectProviderArn'],
  resource: (input: Record<string, unknown>) => String(input.OpenIDConnectProviderArn ?? '*'),
};

/** OIDC provider operations and GetAccountSummary. */
export const oidcOperations: Record<string, OperationSpec<IamState>> = {
  CreateOpenIDConnectProvider: {
    mutating: true,
    logInput: ['Url'],
    handler(req) {
      const url = requireString(req.input, 'Url');
      if (!/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(url) || url.length > 255) {
        throw validationError('url', url, 'Member must satisfy the https:// URL format');
      }
      const clientIds = asList<string>(req.input.ClientIDList);
      const thumbprints = asList<string>(req.input.ThumbprintList);
      if (thumbprints.some((t) => !/^[0-9a-fA-F]{40}$/.test(t))) {
        throw validationError('thumbprintList', thumbprints.join(','), 'Member must have length equal to 40');
      }
      const arn = oidcProviderArn(req.accountId, url);
      if (req.state.oidcProviders.has(arn)) {
        throw new AwsError('EntityAlreadyExists', `Provider with url ${url} already exists.`, 409);
      }
      const tags = readTags(req.input, 'OpenIDConnectProvider');
      req.state.oidcProviders.set(arn, {
        arn,
        url: url.replace(/^https:\/\//, '').replace(/\/$/, ''),
        clientIds,
        thumbprints,
        createdAt: req.clock.now(),
        tags,
      });
      return { OpenIDConnectProviderArn: arn, Tags: tags.length > 0 ? tags : undefined };
    },
  },
  GetOpenIDConnectProvider: {
    ...onProvider,
    handler(req) {
      const p = provider(req);
      return {
        Url: p.url,
        ClientIDList: p.clientIds,
        ThumbprintList: p.thumbprints,
        CreateDate: new Date(p.createdAt),
        Tags: p.tags.length > 0 ? p.tags : undefined,
      };
    },
  },
  ListOpenIDConnectProviders: {
    handler: (req) => ({
      OpenIDConnectProviderList: [...req.state.oidcProviders.keys()].sort().map((Arn) => ({ Arn })),
    }),
  },
  DeleteOpenIDConnectProvider: {
    ...onProvider,
    mutating: true,
    handler(req) {
      req.state.oidcProviders.delete(provider(req).arn);
      return undefined;
    },
  },
  TagOpenIDConnectProvider: {
    ...onProvider,
    mutating: true,
    handler(req) {
      const p = provider(req);
      p.tags = mergeTags(p.tags, readTags(req.input, 'OpenIDConnectProvider'), 'OpenIDConnectProvider');
      return undefined;
    },
  },
  GetAccountSummary: {
    handler(req) {
      const q = quotas(req.behaviour);
      const local = [...req.state.policies.values()].filter((p) => !p.awsManaged);
      return {
        SummaryMap: xmlMap({
          Users: 0,
          UsersQuota: 5000,
          Groups: 0,
          GroupsQuota: 300,
          Roles: req.state.roles.size,
          RolesQuota: 1000,
          Policies: local.length,
          PoliciesQuota: 1500,
          PolicySizeQuota: q.managedPolicySize,
          PolicyVersionsInUse: local.reduce((n, p) => n + p.versions.length, 0),
          PolicyVersionsInUseQuota: 10_000,
          VersionsPerPolicyQuota: 5,
          RolePolicySizeQuota: q.rolePolicySize,
          AssumeRolePolicySizeQuota: q.trustPolicySize,
          AttachedPoliciesPerRoleQuota: q.attachedPerRole,
          Providers: req.state.oidcProviders.size,
          InstanceProfiles: 0,
          InstanceProfilesQuota: 1000,
          ServerCertificates: 0,
          ServerCertificatesQuota: 20,
          MFADevices: 0,
          MFADevicesInUse: 0,
          AccountMFAEnabled: 0,
          AccessKeysPerUserQuota: 2,
          SigningCertificatesPerUserQuota: 2,
          GroupsPerUserQuota: 10,
          AttachedPoliciesPerUserQuota: 10,
          AttachedPoliciesPerGroupQuota: 10,
          UserPolicySizeQuota: 2048,
          GroupPolicySizeQuota: 5120,
          GlobalEndpointTokenVersion: 1,
        }),
      };
    },
  },
};
