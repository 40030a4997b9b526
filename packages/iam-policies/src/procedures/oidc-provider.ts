/**
 * The IAM OIDC provider an IRSA trust policy names: is it there? IRSA trusts
 * `arn:<partition>:iam::<account>:oidc-provider/<issuer host/path>` (docs/AWS-FACTS.md#iam-trust-for-pods); without that
 * provider no pod can assume the role, so a role that trusts it is blocked until it exists.
 */
// IAM's commands are imported where they are sent (`(await import('@aws-sdk/client-iam')).X`), not at
// the top: importing @eks-kit/iam-policies loads no IAM SDK code until a call (issue 21). The bundles'
// esbuild plugins (tools/esbuild-plugins) make it a static, tree-shaken import again.
import {
  type AwsClients,
  describeAccount,
  EksKitError,
  type Finding,
  finding,
  isNotFoundError,
  type Partition,
  wrapAwsError,
} from '@eks-kit/core';
import { oidcProviderArnFromIssuer } from '../builders/trust.js';

/** What {@link findOidcProvider} found. */
export interface OidcProviderLookup {
  /** The issuer URL looked up. */
  issuer: string;
  /** The ARN its IAM OIDC provider has (or will have) in the caller's account. */
  providerArn: string;
  /** Whether IAM has that provider. */
  exists: boolean;
  accountId: string;
  partition: Partition;
}

/**
 * Look up the IAM OIDC provider of an issuer in the caller's account (reads only: STS
 * GetCallerIdentity, IAM GetOpenIDConnectProvider; a NoSuchEntity answer means "missing").
 *
 * @example
 * ```ts
 * const oidc = await findOidcProvider(clients, 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC');
 * if (!oidc.exists) console.log(`create ${oidc.providerArn} first`);
 * ```
 */
export async function findOidcProvider(clients: AwsClients, issuer: string): Promise<OidcProviderLookup> {
  const { accountId, partition } = await describeAccount(clients);
  const providerArn = oidcProviderArnFromIssuer(issuer, accountId, partition);
  const iam = await clients.iam();
  let exists = true;
  try {
    await iam.send(
      new (await import('@aws-sdk/client-iam')).GetOpenIDConnectProviderCommand({
        OpenIDConnectProviderArn: providerArn,
      }),
    );
  } catch (error) {
    if (!isNotFoundError(error)) throw wrapAwsError(error, 'iam:GetOpenIDConnectProvider', providerArn);
    exists = false;
  }
  return { issuer, providerArn, exists, accountId, partition };
}

/** Whose provider is missing: the EKS cluster when known, else only its issuer. */
export interface OidcProviderOwner {
  issuer: string;
  cluster?: string;
}

/**
 * What to do when the IAM OIDC provider is missing, in one sentence.
 *
 * @example
 * ```ts
 * oidcProviderHint({ issuer, cluster: 'prod' });
 * // "create the cluster's IAM OIDC provider: eksctl utils associate-iam-oidc-provider --cluster prod --approve (or ...)"
 * ```
 */
export function oidcProviderHint(owner: OidcProviderOwner): string {
  const cli = `aws iam create-open-id-connect-provider --url ${owner.issuer} --client-id-list sts.amazonaws.com`;
  return owner.cluster !== undefined
    ? `create the cluster's IAM OIDC provider: eksctl utils associate-iam-oidc-provider --cluster ${owner.cluster} --approve (or ${cli})`
    : `create the issuer's IAM OIDC provider: ${cli}`;
}

/**
 * The one-line message for a missing IAM OIDC provider.
 *
 * @example
 * ```ts
 * oidcProviderMissingMessage({ issuer, cluster: 'prod' }); // 'IAM has no OIDC provider for cluster prod (https://...): IRSA cannot work'
 * ```
 */
export function oidcProviderMissingMessage(owner: OidcProviderOwner): string {
  return owner.cluster !== undefined
    ? `IAM has no OIDC provider for cluster ${owner.cluster} (${owner.issuer}): IRSA cannot work`
    : `IAM has no OIDC provider for issuer ${owner.issuer}: IRSA cannot work`;
}

/**
 * The `fail` finding a plan shows for a role whose IRSA trust names a missing provider: it blocks
 * the apply of `blocks` (e.g. `iam role prod-cluster-autoscaler`) until the provider exists.
 *
 * @example
 * ```ts
 * const oidc = await findOidcProvider(clients, issuer);
 * if (!oidc.exists) findings.push(oidcProviderMissingFinding('autoscaler.oidc-provider', oidc, { cluster: 'prod', blocks: 'iam role prod-ca' }));
 * ```
 */
export function oidcProviderMissingFinding(
  check: string,
  lookup: OidcProviderLookup,
  options: { cluster?: string; blocks: string },
): Finding {
  const owner = ownerOf(lookup, options.cluster);
  return finding(check, lookup.providerArn, 'fail', oidcProviderMissingMessage(owner), {
    hint: oidcProviderHint(owner),
    data: { issuer: lookup.issuer, blocks: options.blocks },
  });
}

/**
 * The error an apply throws, before any change, for a role whose IRSA trust names a missing provider
 * (code `OidcProviderMissing`, CLI exit 1).
 *
 * @example
 * ```ts
 * if (!oidc.exists && !options.dryRun) throw oidcProviderMissingError(oidc, 'prod');
 * ```
 */
export function oidcProviderMissingError(lookup: OidcProviderLookup, cluster?: string): EksKitError {
  const owner = ownerOf(lookup, cluster);
  return new EksKitError('OidcProviderMissing', oidcProviderMissingMessage(owner), {
    hint: oidcProviderHint(owner),
  });
}

/**
 * What a plan appends to the summary of each change a missing provider blocks.
 *
 * @example
 * ```ts
 * blockedByOidcProvider(oidc); // ' (blocked: create the IAM OIDC provider arn:aws:iam::123456789012:oidc-provider/... first)'
 * ```
 */
export function blockedByOidcProvider(lookup: OidcProviderLookup): string {
  return ` (blocked: create the IAM OIDC provider ${lookup.providerArn} first)`;
}

function ownerOf(lookup: OidcProviderLookup, cluster: string | undefined): OidcProviderOwner {
  return cluster !== undefined ? { issuer: lookup.issuer, cluster } : { issuer: lookup.issuer };
}
