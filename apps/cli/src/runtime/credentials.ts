/**
 * Credentials as the aws CLI resolves them, with one clear line when none are found: `--profile`
 * wins; else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; else the SDK's default chain (AWS_PROFILE or
 * the default profile, SSO, web identity, container, then instance metadata with one short try).
 * Choosing the source here also keeps the SDK's multi-line "Multiple credential sources" warning away.
 */
import { type ClientOptions, EksKitError } from '@eks-kit/core';

/** The provider form of the clients' `credentials` option. */
type CredentialsProvider = Extract<NonNullable<ClientOptions['credentials']>, (...args: never[]) => unknown>;

/** How to get credentials, said once for every credentials error. */
export const CREDENTIALS_HINT =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile NAME (or AWS_PROFILE) for a profile of ~/.aws/config, or run aws configure / aws sso login';

/**
 * A credentials provider for this run: it loads the SDK providers on first use and turns "no
 * credentials" into one EksKitError naming what was tried and how to fix it (exit 1).
 *
 * @example
 * ```ts
 * const clients = await createClients({ region, credentials: cliCredentials('prod', process.env) });
 * ```
 */
export function cliCredentials(
  profile: string | undefined,
  env: Record<string, string | undefined>,
): CredentialsProvider {
  let provider: CredentialsProvider | undefined;
  const fromEnvKeys = profile === undefined && !!env.AWS_ACCESS_KEY_ID && !!env.AWS_SECRET_ACCESS_KEY;
  const source =
    profile !== undefined
      ? `profile ${profile} (--profile) of ~/.aws/config and ~/.aws/credentials`
      : fromEnvKeys
        ? 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY'
        : `${env.AWS_PROFILE ? `profile ${env.AWS_PROFILE} (AWS_PROFILE)` : 'environment variables, the default profile'}, SSO, web identity, container and instance metadata`;
  // One answer shared by every client of the run and by resolveCredentials (a role_arn profile
  // otherwise assumes its role, and a credential_process runs, once more for the early check): kept
  // until 5 minutes before it expires, or until the SDK asks for a refresh.
  let cached: Promise<Awaited<ReturnType<CredentialsProvider>>> | undefined;
  const fresh = (c: { expiration?: Date }) =>
    c.expiration === undefined || c.expiration.getTime() - Date.now() > 5 * 60_000;
  return async (options) => {
    const forceRefresh = (options as { forceRefresh?: boolean } | undefined)?.forceRefresh === true;
    if (cached && !forceRefresh) {
      const held = await cached.catch(() => undefined);
      if (held && fresh(held)) return held;
    }
    cached = load(options);
    cached.catch(() => undefined);
    return cached;
  };
  async function load(options: Parameters<CredentialsProvider>[0]) {
    try {
      if (!provider) {
        const sdk = await import('@aws-sdk/credential-providers');
        provider =
          profile !== undefined
            ? sdk.fromIni({ profile })
            : fromEnvKeys
              ? sdk.fromEnv()
              : // IMDS last, with one short try: no stall off EC2.
                sdk.fromNodeProviderChain({ timeout: 1000, maxRetries: 0 });
      }
      return await provider(options);
    } catch (error) {
      throw credentialsError(source, error);
    }
  }
}

/** One line: what was tried, the SDK's reason when it says more than "could not load". */
function credentialsError(source: string, error: unknown): EksKitError {
  const reason = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : '';
  const useful = reason !== '' && !/Could not load credentials from any providers/i.test(reason);
  return new EksKitError(
    'NoCredentials',
    `no AWS credentials: tried ${source}${useful ? ` (${reason.replace(/\.$/, '')})` : ''}`,
    // The SDK's generic error stays out (also as the cause): it adds nothing to this line.
    { hint: CREDENTIALS_HINT, ...(useful ? { cause: error } : {}) },
  );
}
