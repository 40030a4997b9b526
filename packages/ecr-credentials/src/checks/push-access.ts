/**
 * checkPushAccess: kaniko's push check (docs/AWS-FACTS.md#kaniko-push-check) reproduced, each outcome turned into a
 * diagnosis with its fix. The token never appears in a finding, event or error.
 */
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  AwsCallError,
  type AwsClients,
  deniedAction,
  deniedPrincipal,
  type Finding,
  finding,
  InvalidInputError,
  isAccessDeniedError,
  isNotFoundError,
  wrapAwsError,
} from '@eks-kit/core';
import { ECR_PUSH_ACTIONS } from '../builders/ecr-policies.js';
import { parseRegistryHost } from '../builders/registry-host.js';
import { repositoryArn, validateRepositoryName } from '../builders/repository-ref.js';
import { isTagImmutable } from '../builders/tag-mutability.js';
import { type DockerAuth, getDockerAuth } from '../procedures/docker-auth.js';

/** Input of {@link checkPushAccess}. */
export interface PushAccessInput {
  /** ECR registry host. */
  registry: string;
  /** Repository name, e.g. `team/app`. */
  repository: string;
  /** Base URL of the registry API, instead of `https://<registry>` (tests: the emulator). */
  registryEndpoint?: string;
  /** Tags the build will push: checked against tag immutability. */
  tags?: readonly string[];
  /** The role the build should run as (IRSA): named when another identity answered. */
  expectedRoleArn?: string;
}

/** What each outcome is called in `data.outcome`. */
export type PushAccessOutcome =
  | 'ok'
  | 'no-credentials'
  | 'unauthorized'
  | 'denied'
  | 'missing-repository'
  | 'immutable-tag'
  | 'unreachable'
  | 'unexpected';

const CHECK = 'ecr.push-access';

/**
 * Every manifest type a build may have pushed under a tag (docker v2 and OCI, single and index):
 * without them in Accept a registry may answer 404 for a tag whose manifest is of another type.
 */
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const FALLBACK_NOTE =
  'kaniko hides the cause: when the ecr-login helper fails it silently falls back to anonymous, and the registry answers 401 Not Authorized';

interface RegistryAnswer {
  status: number;
  location?: string;
  errorCode?: string;
  errorMessage?: string;
}

async function callRegistry(url: string, init: RequestInit, signal?: AbortSignal): Promise<RegistryAnswer> {
  const res = await fetch(url, { ...init, redirect: 'manual', ...(signal ? { signal } : {}) });
  const text = await res.text().catch(() => '');
  let errorCode: string | undefined;
  let errorMessage: string | undefined;
  try {
    const body = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> };
    errorCode = body.errors?.[0]?.code;
    errorMessage = body.errors?.[0]?.message;
  } catch {
    errorMessage = text.trim().slice(0, 300) || undefined;
  }
  const location = res.headers.get('location') ?? undefined;
  return {
    status: res.status,
    ...(location ? { location } : {}),
    ...(errorCode ? { errorCode } : {}),
    ...(errorMessage ? { errorMessage } : {}),
  };
}

/**
 * Where to send the DELETE of an upload: ECR answers POST blobs/uploads with an absolute Location on
 * its own host (`https://<registry>/v2/<repo>/blobs/uploads/<id>`, seen in regclient#81's logs);
 * other registries answer a relative one (distribution spec allows both). An absolute Location on
 * the registry host is moved onto `endpoint`, so that with a `registryEndpoint` (a proxy, the
 * emulator) the DELETE goes where the POST went, never to the real registry host.
 */
function uploadLocationUrl(location: string, endpoint: string, registryHost: string): string {
  const url = new URL(location, `${endpoint}/`);
  if (url.hostname.toLowerCase() === registryHost) {
    const base = new URL(`${endpoint}/`);
    url.protocol = base.protocol;
    url.host = base.host;
  }
  return url.toString();
}

function checkEndpoint(value: unknown): string {
  if (typeof value !== 'string')
    throw new InvalidInputError('registryEndpoint', value, 'a URL such as https://<registry host>');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError('registryEndpoint', value, 'a URL such as https://<registry host>');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InvalidInputError('registryEndpoint', value, 'an http(s) URL');
  return value.replace(/\/+$/, '');
}

/** The checked input (no AWS call): a private registry host, the repository, the endpoint, the tags. */
function validatePushInput(input: PushAccessInput): {
  host: ReturnType<typeof parseRegistryHost>;
  accountId: string;
  name: string;
  endpoint: string;
  tags: string[];
} {
  const host = parseRegistryHost(input?.registry, 'registry');
  if (host.kind !== 'private' || host.accountId === undefined)
    throw new InvalidInputError('registry', input.registry, 'a private ECR registry host');
  const name = validateRepositoryName(input.repository, 'repository');
  const endpoint =
    input.registryEndpoint === undefined ? `https://${host.host}` : checkEndpoint(input.registryEndpoint);
  const tags = [...(input.tags ?? [])];
  tags.forEach((t, i) => {
    if (typeof t !== 'string' || !/^[\w][\w.-]{0,127}$/.test(t))
      throw new InvalidInputError(`tags[${i}]`, t, 'an image tag');
  });
  return { host, accountId: host.accountId, name, endpoint, tags };
}

/**
 * Reproduce kaniko's push check against an ECR repository: get a token (GetAuthorizationToken),
 * `POST /v2/<repo>/blobs/uploads/` with it as Basic auth, then `DELETE` the returned Location; with
 * `tags`, also look for tags an immutable repository would refuse. Returns one finding per problem
 * (or one `ok`), each with the fix:
 * - 401: no usable credentials (and why kaniko hides it: it falls back to anonymous when the helper fails);
 * - 403: the push actions missing and the identity that answered (often the node role instead of IRSA);
 * - 404 NAME_UNKNOWN (kaniko: EOF): the repository does not exist;
 * - an existing tag in an IMMUTABLE repository: the push would fail with TAG_INVALID.
 * The token is never put in a finding, event or error.
 *
 * @example
 * ```ts
 * const findings = await checkPushAccess(clients, { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'team/app', tags: ['1.4.0'] });
 * for (const f of findings) console.log(f.status, f.message, f.hint ?? '');
 * ```
 */
export async function checkPushAccess(
  clients: AwsClients,
  input: PushAccessInput,
  options: { signal?: AbortSignal } = {},
): Promise<Finding[]> {
  const { host, accountId, name, endpoint, tags } = validatePushInput(input);
  const arn = repositoryArn({ accountId, region: host.region, name });
  const resource = `${host.host}/${name}`;
  const fail = (
    outcome: PushAccessOutcome,
    message: string,
    hint: string,
    data: Record<string, unknown> = {},
  ): Finding => finding(CHECK, resource, 'fail', message, { hint, data: { outcome, ...data } });

  // 1. The token, as the ecr-login helper gets it.
  let auth: DockerAuth;
  try {
    auth = await getDockerAuth(clients, { registry: host.host });
  } catch (error) {
    return tokenFailure(error, fail);
  }

  // 2. kaniko's check: POST an upload, then DELETE its Location.
  const uploadUrl = `${endpoint}/v2/${name}/blobs/uploads/`;
  let answer: RegistryAnswer;
  try {
    answer = await callRegistry(
      uploadUrl,
      { method: 'POST', headers: { authorization: auth.authorization } },
      options.signal,
    );
  } catch (error) {
    const reason = (error as { cause?: { code?: string } })?.cause?.code ?? (error as Error)?.name ?? 'error';
    return [
      fail(
        reason === 'ECONNRESET' || reason === 'UND_ERR_SOCKET' ? 'missing-repository' : 'unreachable',
        reason === 'ECONNRESET' || reason === 'UND_ERR_SOCKET'
          ? `the registry closed the connection on POST /v2/${name}/blobs/uploads/ (kaniko prints EOF): the repository most likely does not exist`
          : `cannot reach ${endpoint} (${reason})`,
        reason === 'ECONNRESET' || reason === 'UND_ERR_SOCKET'
          ? createRepositoryHint(name)
          : 'check DNS, proxies (HTTPS_PROXY/NO_PROXY) and VPC endpoints for ecr.dkr from the build pod',
        { endpoint },
      ),
    ];
  }

  const findings: Finding[] = [];
  if (answer.status === 201 || answer.status === 202) {
    if (answer.location) {
      const location = uploadLocationUrl(answer.location, endpoint, host.host);
      const cancel = await callRegistry(
        location,
        { method: 'DELETE', headers: { authorization: auth.authorization } },
        options.signal,
      ).catch(() => ({ status: 0 }) as RegistryAnswer);
      if (cancel.status < 200 || cancel.status >= 300)
        findings.push(
          finding(
            CHECK,
            resource,
            'warn',
            `push allowed, but cancelling the test upload answered ${cancel.status || 'no response'}`,
            {
              hint: 'harmless: ECR expires abandoned uploads',
              data: { outcome: 'ok' },
            },
          ),
        );
    }
  } else if (answer.status === 401) {
    return [
      fail(
        'unauthorized',
        `401 Not Authorized on POST /v2/${name}/blobs/uploads/: the registry did not accept the credentials; ${FALLBACK_NOTE}`,
        `in the build: the docker config key must be the bare host "${host.host}" (no https://), credHelpers "ecr-login" with no stale auths entry shadowing it (writeDockerConfig warns), docker-credential-ecr-login on PATH, and AWS credentials in the pod (IRSA); a token is valid 12 hours and only for this region's registry`,
        { httpStatus: 401 },
      ),
    ];
  } else if (answer.status === 403) {
    return [denied(answer, arn, input.expectedRoleArn, fail)];
  } else if (answer.status === 404) {
    return [
      fail(
        'missing-repository',
        `repository ${name} does not exist in registry ${host.accountId} (${answer.errorCode ?? '404'}; kaniko may print only EOF)`,
        `${createRepositoryHint(name)}; ECR does not create repositories on push`,
        { httpStatus: 404 },
      ),
    ];
  } else {
    return [
      fail(
        'unexpected',
        `POST /v2/${name}/blobs/uploads/ answered ${answer.status}${answer.errorCode ? ` ${answer.errorCode}` : ''}`,
        'retry; if it persists, check the ECR service health and any proxy in between',
        {
          httpStatus: answer.status,
        },
      ),
    ];
  }

  // 3. Tags the repository would refuse to overwrite (kaniko fails at the end with TAG_INVALID).
  if (tags.length > 0)
    findings.push(
      ...(await immutableTagFindings(
        clients,
        { host, name, endpoint, arn, resource, tags, fail },
        auth,
        options,
      )),
    );
  if (!findings.some((f) => f.status === 'fail'))
    findings.unshift(
      finding(CHECK, resource, 'ok', `push allowed to ${resource}`, { data: { outcome: 'ok' } }),
    );
  return findings;
}

type Fail = (
  outcome: PushAccessOutcome,
  message: string,
  hint: string,
  data?: Record<string, unknown>,
) => Finding;

/** 403 on the upload: the push actions are missing, often because the token is the node role's, not IRSA's. */
function denied(answer: RegistryAnswer, arn: string, expected: string | undefined, fail: Fail): Finding {
  const message = answer.errorMessage ?? '';
  const who = deniedPrincipal(message);
  const action = deniedAction(message) ?? 'ecr:InitiateLayerUpload';
  const nodeLike = who !== undefined && (/node/i.test(who) || /:assumed-role\/[^/]+\/i-[0-9a-f]+$/.test(who));
  const wrongIdentity = expected !== undefined && who !== undefined && !sameRole(who, expected);
  return fail(
    'denied',
    `403 DENIED: ${who ?? 'the identity that got the token'} may not ${action} on ${arn}; a push needs ${ECR_PUSH_ACTIONS.join(', ')} on the repository`,
    nodeLike || wrongIdentity
      ? `the token came from ${who}${nodeLike ? ' (the node instance role)' : ''}, not the build role${expected ? ` ${expected}` : ''}: IRSA is not in effect. Set service_account in the runner's [runners.kubernetes], annotate that service account with eks.amazonaws.com/role-arn, and check the role's trust (ensureRunnerRole creates the role and returns the annotation and the runner config lines)`
      : `attach ecrPushPolicy(['${arn}']) to ${who ?? 'the build role'} (or ensureRunnerRole), and check the repository policy does not deny it`,
    { httpStatus: 403, identity: who, deniedAction: action, requiredActions: [...ECR_PUSH_ACTIONS] },
  );
}

/** No token: the caller may not call GetAuthorizationToken, or the request failed. */
function tokenFailure(error: unknown, fail: Fail): Finding[] {
  if (error instanceof AwsCallError && error.accessDenied) {
    const who = deniedPrincipal(String((error.cause as Error | undefined)?.message ?? error.message));
    return [
      fail(
        'no-credentials',
        `no usable credentials: ${who ?? 'the caller'} may not call ecr:GetAuthorizationToken, so the credential helper gets no token; ${FALLBACK_NOTE}`,
        'allow ecr:GetAuthorizationToken on "*" for the build role (ecrPushPolicy does), and check that the pod runs as that role (IRSA annotation eks.amazonaws.com/role-arn, runner service_account)',
        { identity: who, deniedAction: 'ecr:GetAuthorizationToken' },
      ),
    ];
  }
  const message = error instanceof Error ? error.message : String(error);
  return [
    fail(
      'no-credentials',
      `no usable credentials: the token request failed (${message}); ${FALLBACK_NOTE}`,
      'check the AWS credentials the build sees (aws sts get-caller-identity in the job) and the registry region',
    ),
  ];
}

/** What {@link immutableTagFindings} needs of the check. */
interface TagCheckContext {
  host: { host: string; region: string };
  name: string;
  endpoint: string;
  arn: string;
  resource: string;
  tags: string[];
  fail: Fail;
}

/** Tags that already exist in a repository whose tags are immutable (the push would fail at the end). */
async function immutableTagFindings(
  clients: AwsClients,
  ctx: TagCheckContext,
  auth: DockerAuth,
  options: { signal?: AbortSignal },
): Promise<Finding[]> {
  const { host, name, endpoint, arn, resource, tags, fail } = ctx;
  const findings: Finding[] = [];
  const ecr = await clients.ecr(host.region);
  let mutability: string | undefined;
  let exclusions: string[] = [];
  try {
    const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    const repo = out.repositories?.[0];
    mutability = repo?.imageTagMutability;
    exclusions = (repo?.imageTagMutabilityExclusionFilters ?? []).flatMap((f) =>
      f.filter ? [f.filter] : [],
    );
  } catch (error) {
    if (isAccessDeniedError(error)) {
      // A build role needs no ecr:DescribeRepositories to push: say the tags were not checked.
      findings.push(
        finding(
          CHECK,
          resource,
          'warn',
          `tags not checked against tag immutability: ecr:DescribeRepositories was denied on ${arn}`,
          {
            hint: 'run the check with credentials that may describe the repository, or use a unique tag per build',
            data: { outcome: 'ok', deniedAction: 'ecr:DescribeRepositories' },
          },
        ),
      );
    } else if (!isNotFoundError(error)) {
      throw wrapAwsError(error, 'ecr:DescribeRepositories', arn);
    }
  }
  for (const tag of tags) {
    if (!mutability || !isTagImmutable(mutability, exclusions, tag)) continue;
    const head = await callRegistry(
      `${endpoint}/v2/${name}/manifests/${tag}`,
      { method: 'HEAD', headers: { authorization: auth.authorization, accept: MANIFEST_TYPES } },
      options.signal,
    );
    if (head.status === 200) {
      findings.push(
        fail(
          'immutable-tag',
          `tag ${tag} already exists in ${name}, whose tags are ${mutability}${exclusions.length ? ` (except ${exclusions.join(', ')})` : ''}: the push will fail with TAG_INVALID ... immutable`,
          "push a unique tag per build ($CI_COMMIT_SHORT_SHA or $CI_COMMIT_TAG), or add the tag to the repository's mutability exclusion filters",
          { tag, tagMutability: mutability },
        ),
      );
    }
  }
  return findings;
}

/** An assumed-role session ARN and its role ARN name the same role. */
function sameRole(principal: string, roleArn: string): boolean {
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(principal);
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (session && role) return session[2] === role[2] && session[3] === role[3];
  return principal === roleArn;
}

/**
 * How to create a missing repository, in words that fit a CLI user (the stack key and command) and a
 * library user (the aws CLI line works for both).
 */
function createRepositoryHint(name: string): string {
  return `create it: add it to the stack file under repositories[].name and run eks-kit ecr repo (or eks-kit apply), or aws ecr create-repository --repository-name ${name}`;
}
