/** The global flags every command accepts, as commander gives them. */
import { InvalidInputError, validateRegion } from '@eks-kit/core';

/** Global options after parsing. */
export interface GlobalOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  maxAttempts?: string;
  retryMode?: string;
  json?: boolean;
  /** commander's `--no-color` sets `color: false`. */
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Global options checked and normalised (no AWS call made). */
export interface CheckedGlobals {
  region: string | undefined;
  profile: string | undefined;
  endpointUrl: string | undefined;
  maxAttempts: number | undefined;
  retryMode: 'standard' | 'adaptive' | undefined;
  json: boolean;
  color: boolean;
  quiet: boolean;
  verbose: boolean;
}

/**
 * Check the global flags: region syntax, endpoint URL (http(s) only), attempts 1-20.
 *
 * @example
 * ```ts
 * checkGlobals({ region: 'eu-west-1', json: true }, process.env, true);
 * ```
 */
export function checkGlobals(
  options: GlobalOptions,
  env: Record<string, string | undefined>,
  stdoutIsTty: boolean,
): CheckedGlobals {
  const region = options.region === undefined ? undefined : validateRegion(options.region, '--region');
  const endpointUrl = options.endpointUrl;
  if (endpointUrl !== undefined) checkEndpointUrl(endpointUrl, '--endpoint-url');
  // The SDK reads these itself: check them here so a bad one is invalid input, not a failed call.
  for (const [name, value] of Object.entries(env))
    if (/^AWS_ENDPOINT_URL(?:_[A-Z0-9_]+)?$/.test(name) && value !== undefined && value !== '')
      checkEndpointUrl(value, name);
  if (options.profile !== undefined && !/^[\w.@+-]{1,128}$/.test(options.profile))
    throw new InvalidInputError('--profile', options.profile, 'a profile name from ~/.aws/config');
  const attemptsText = options.maxAttempts ?? env.AWS_MAX_ATTEMPTS;
  let maxAttempts: number | undefined;
  if (attemptsText !== undefined) {
    maxAttempts = Number(attemptsText);
    if (!/^\d+$/.test(attemptsText) || maxAttempts < 1 || maxAttempts > 20)
      throw new InvalidInputError(
        options.maxAttempts !== undefined ? '--max-attempts' : 'AWS_MAX_ATTEMPTS',
        attemptsText,
        'a whole number from 1 to 20',
      );
  }
  const retryText = options.retryMode ?? env.AWS_RETRY_MODE;
  if (retryText !== undefined && retryText !== 'standard' && retryText !== 'adaptive')
    throw new InvalidInputError(
      options.retryMode !== undefined ? '--retry-mode' : 'AWS_RETRY_MODE',
      retryText,
      'standard or adaptive',
    );
  const noColorEnv = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return {
    region,
    profile: options.profile,
    endpointUrl,
    maxAttempts,
    retryMode: retryText as CheckedGlobals['retryMode'],
    json: options.json === true,
    color: options.color !== false && !noColorEnv && stdoutIsTty && env.TERM !== 'dumb',
    quiet: options.quiet === true,
    verbose: options.verbose === true,
  };
}

/**
 * Refuse an endpoint that is not an absolute http(s) URL with a host (and nothing but a path after it).
 *
 * @example
 * ```ts
 * checkEndpointUrl('http://127.0.0.1:4566', '--endpoint-url'); // ok
 * checkEndpointUrl('localhost:4566', 'AWS_ENDPOINT_URL'); // throws InvalidInputError
 * ```
 */
export function checkEndpointUrl(value: string, field: string): void {
  const expected = 'an http(s) URL such as http://127.0.0.1:4566';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError(field, value, expected);
  }
  // Never echo a password given inside the URL.
  if (url.username !== '' || url.password !== '')
    throw new InvalidInputError(field, 'a URL with user information', `${expected}, without user:password@`);
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.hostname === '' ||
    url.search !== '' ||
    url.hash !== '' ||
    /[\s\\]/.test(value) ||
    !/^https?:\/\/[^/]/i.test(value)
  )
    throw new InvalidInputError(field, value, expected);
}
