/**
 * getDockerAuth: registry credentials from ECR GetAuthorizationToken, held so that the password
 * never reaches a log, JSON or `console.log` by accident.
 */
import { inspect } from 'node:util';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { type AwsClients, EksKitError, InvalidInputError, wrapAwsError } from '@eks-kit/core';
import { parseRegistryHost } from '../builders/registry-host.js';

const REDACTED = '[redacted]';

/**
 * Docker registry credentials for one ECR registry. `password` (and `authorization`, `auth`) are
 * getters over a private field: `JSON.stringify`, `util.inspect`/`console.log`, `String()` and
 * object spread show everything but the password.
 *
 * @example
 * ```ts
 * const auth = await getDockerAuth(clients, { registry });
 * JSON.stringify(auth);       // {"username":"AWS","password":"[redacted]",...}
 * if (auth.isExpired()) { ... }
 * await fetch(`${auth.endpoint}/v2/`, { headers: { authorization: auth.authorization } });
 * ```
 */
export class DockerAuth {
  /** Always `AWS` for ECR (docs/AWS-FACTS.md#ecr-getauthorizationtoken). */
  readonly username = 'AWS';
  /** The bare registry host the credentials are for. */
  readonly registry: string;
  /** `https://<registry>`: where a client sends requests. */
  readonly endpoint: string;
  /** The proxy endpoint ECR returned (the caller's own registry). */
  readonly proxyEndpoint: string;
  /** When the token stops working (12 hours after issue). */
  readonly expiresAt: Date;
  readonly #password: string;

  constructor(init: {
    registry: string;
    endpoint: string;
    proxyEndpoint: string;
    expiresAt: Date;
    password: string;
  }) {
    this.registry = init.registry;
    this.endpoint = init.endpoint;
    this.proxyEndpoint = init.proxyEndpoint;
    this.expiresAt = init.expiresAt;
    this.#password = init.password;
  }

  /** The registry password (the secret). Pass it to `docker login --password-stdin`, never to a log. */
  get password(): string {
    return this.#password;
  }

  /** `base64(AWS:<password>)`: the `auth` of a docker config `auths` entry. */
  get auth(): string {
    return Buffer.from(`${this.username}:${this.#password}`, 'utf8').toString('base64');
  }

  /** The HTTP `Authorization` header value (`Basic <auth>`). */
  get authorization(): string {
    return `Basic ${this.auth}`;
  }

  /** True when the token has expired at `now` (default: the real clock). */
  isExpired(now: Date = new Date()): boolean {
    return now.getTime() >= this.expiresAt.getTime();
  }

  toJSON(): Record<string, string> {
    return {
      username: this.username,
      password: REDACTED,
      registry: this.registry,
      endpoint: this.endpoint,
      expiresAt: this.expiresAt.toISOString(),
    };
  }

  toString(): string {
    return `DockerAuth(${this.registry}, expires ${this.expiresAt.toISOString()})`;
  }

  [inspect.custom](): string {
    return `DockerAuth ${JSON.stringify(this.toJSON())}`;
  }
}

/**
 * Registry credentials for an ECR host from GetAuthorizationToken (called in the registry's region):
 * username `AWS`, the password, its expiry (12 hours) and the endpoint. The returned object never
 * prints the password (see {@link DockerAuth}); errors never contain it.
 *
 * @example
 * ```ts
 * const auth = await getDockerAuth(clients, { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' });
 * console.log(auth); // DockerAuth {"username":"AWS","password":"[redacted]",...}
 * // docker login: spawn('docker', ['login', '-u', auth.username, '--password-stdin', auth.registry]).stdin.end(auth.password)
 * ```
 */
export async function getDockerAuth(clients: AwsClients, input: { registry: string }): Promise<DockerAuth> {
  const host = parseRegistryHost(input?.registry, 'registry');
  if (host.kind === 'public')
    throw new InvalidInputError(
      'registry',
      input.registry,
      'a private ECR registry (ECR Public tokens come from the ecr-public API)',
    );
  const ecr = await clients.ecr(host.region);
  let data: { authorizationToken?: string; expiresAt?: Date; proxyEndpoint?: string } | undefined;
  try {
    const out = await ecr.send(new GetAuthorizationTokenCommand({}));
    data = out.authorizationData?.[0];
  } catch (error) {
    throw wrapAwsError(error, 'ecr:GetAuthorizationToken', host.host);
  }
  const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (!data?.authorizationToken || colon < 0 || decoded.slice(0, colon) !== 'AWS') {
    // Never echo the token: say what was wrong with its shape only.
    throw new EksKitError(
      'InvalidAuthorizationToken',
      `ecr:GetAuthorizationToken for ${host.host} returned no usable AWS:<password> token`,
    );
  }
  return new DockerAuth({
    registry: host.host,
    endpoint: `https://${host.host}`,
    proxyEndpoint: data.proxyEndpoint ?? `https://${host.host}`,
    expiresAt: data.expiresAt ?? new Date(Date.now() + 12 * 3600 * 1000),
    password: decoded.slice(colon + 1),
  });
}
