/**
 * The docker registry API (`/v2/...`) as ECR serves it, on the emulator's own port (service
 * `registry` in the call log). Written from the OCI distribution spec and ECR's documented answers
 * (docs/AWS-FACTS.md#kaniko-push-check):
 * - credentials: `Authorization: Basic base64(AWS:<password>)` with a password from ECR
 *   GetAuthorizationToken, valid until its `expiresAt`; otherwise 401 `Not Authorized` with
 *   `WWW-Authenticate: Basic realm=...`;
 * - the identity behind a token is the access key that called GetAuthorizationToken
 *   (`world.identities[akid]`); an action in its `deny` list gives 403 DENIED with IAM's message;
 * - a missing repository gives 404 NAME_UNKNOWN (kaniko has been seen to report it as EOF);
 * - `PUT /v2/<repo>/manifests/<tag>` of an existing tag in an immutable repository gives 400
 *   TAG_INVALID.
 *
 * - POST blobs/uploads answers 202 with an absolute Location on the registry host,
 *   `https://<account>.dkr.ecr.<region>.amazonaws.com/v2/<repo>/blobs/uploads/<uuid>` (as in ECR's
 *   answers logged in regclient/regclient#81) and no Docker-Upload-UUID header (ECR sends none:
 *   distribution/distribution#2927); a client talking to the emulator must map that host back to
 *   the emulator's URL, as it must for any proxy in front of ECR.
 *
 * Routes: `GET /v2/` (Ping), `POST /v2/<repo>/blobs/uploads/` (InitiateLayerUpload: 202 + Location),
 * `DELETE /v2/<repo>/blobs/uploads/<uuid>` (CancelLayerUpload),
 * `PUT /v2/<repo>/manifests/<ref>` (PutImage), `GET|HEAD /v2/<repo>/manifests/<ref>` (BatchGetImage).
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../framework/errors.js';
import {
  type CallerIdentity,
  defineService,
  type HttpRequest,
  type ServiceRequest,
  withHttp,
} from '../framework/service.js';
import {
  type EcrRepository,
  type EcrState,
  type EcrToken,
  isTagImmutable,
  registryHostOf,
  repositoryArnOf,
  repositoryKey,
} from './ecr.js';

interface Upload {
  repository: string;
  region: string;
}

/** The registry's own state: open blob uploads by UUID. */
export interface RegistryState {
  uploads: Map<string, Upload>;
}

const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

function route(request: HttpRequest): { operation: string; params?: Record<string, string> } | undefined {
  const { method, path } = request;
  if (!path.startsWith('/v2/')) return undefined;
  if (path === '/v2/' && method === 'GET') return { operation: 'Ping' };
  let m = /^\/v2\/(.+)\/blobs\/uploads\/?$/.exec(path);
  if (m && method === 'POST') return { operation: 'InitiateLayerUpload', params: { repository: m[1] ?? '' } };
  m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(path);
  if (m && method === 'DELETE')
    return { operation: 'CancelLayerUpload', params: { repository: m[1] ?? '', uploadId: m[2] ?? '' } };
  m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path);
  if (m && method === 'PUT')
    return { operation: 'PutImage', params: { repository: m[1] ?? '', reference: m[2] ?? '' } };
  if (m && (method === 'GET' || method === 'HEAD'))
    return { operation: 'BatchGetImage', params: { repository: m[1] ?? '', reference: m[2] ?? '' } };
  return undefined;
}

function unauthorized(registryId: string, region: string): AwsError {
  return new AwsError('UNAUTHORIZED', 'Not Authorized', 401, {
    body: 'Not Authorized\n',
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'www-authenticate': `Basic realm="https://${registryHostOf(registryId, region)}/",service="ecr.amazonaws.com"`,
    },
  });
}

/** The token behind a request's Basic credentials, or a 401 like ECR's. */
function authenticate(r: ServiceRequest<RegistryState>): { token: EcrToken; who: CallerIdentity } {
  const ecr = r.stateOf<EcrState>('ecr');
  const header = r.http.headers.authorization ?? '';
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) throw unauthorized(r.accountId, r.region);
  const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const token = colon > 0 && user === 'AWS' ? ecr?.tokens.get(password) : undefined;
  if (!token || r.clock.now() >= token.expiresAt)
    throw unauthorized(token?.registryId ?? r.accountId, token?.region ?? r.region);
  return { token, who: r.identityOf(token.accessKeyId) };
}

function repositoryFor(
  r: ServiceRequest<RegistryState>,
  token: EcrToken,
  action: string,
  who: CallerIdentity,
): EcrRepository {
  const name = String(r.input.repository ?? '');
  const arn = repositoryArnOf({ region: token.region, registryId: token.registryId, name });
  if (r.isDenied(action, who)) {
    throw new AwsError('DENIED', r.accessDeniedMessage(action, arn, who), 403);
  }
  const repo = r.stateOf<EcrState>('ecr')?.repositories.get(repositoryKey(token.region, name));
  if (!repo) {
    throw new AwsError(
      'NAME_UNKNOWN',
      `The repository with name '${name}' does not exist in the registry with id '${token.registryId}'`,
      404,
    );
  }
  return repo;
}

function findImage(repo: EcrRepository, reference: string) {
  for (const image of repo.images.values())
    if (image.digest === reference || image.tags.has(reference)) return image;
  return undefined;
}

/**
 * The registry service module.
 * @example await fetch(`${emu.url}/v2/team/app/blobs/uploads/`, { method: 'POST', headers: { authorization: `Basic ${token}` } }) // 202
 */
export const registry = defineService<RegistryState>({
  signingName: 'registry',
  protocol: { kind: 'raw', route },
  createState: () => ({ uploads: new Map() }),
  operations: {
    Ping: {
      action: false,
      handler(r) {
        authenticate(r);
        return withHttp({});
      },
    },
    InitiateLayerUpload: {
      mutating: true,
      action: false,
      logInput: ['repository'],
      handler(r) {
        const { token, who } = authenticate(r);
        const repo = repositoryFor(r, token, 'ecr:InitiateLayerUpload', who);
        const uuid = r.random.uuid();
        r.state.uploads.set(uuid, { repository: repo.name, region: repo.region });
        return withHttp('', {
          status: 202,
          headers: {
            location: `https://${registryHostOf(repo.registryId, repo.region)}/v2/${repo.name}/blobs/uploads/${uuid}`,
            range: '0-0',
          },
        });
      },
    },
    CancelLayerUpload: {
      mutating: true,
      action: false,
      logInput: ['repository', 'uploadId'],
      handler(r) {
        const { token, who } = authenticate(r);
        repositoryFor(r, token, 'ecr:InitiateLayerUpload', who);
        const id = String(r.input.uploadId ?? '');
        if (!r.state.uploads.delete(id))
          throw new AwsError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', 404);
        return withHttp('', { status: 204 });
      },
    },
    PutImage: {
      mutating: true,
      action: false,
      logInput: ['repository', 'reference'],
      handler(r) {
        const { token, who } = authenticate(r);
        const repo = repositoryFor(r, token, 'ecr:PutImage', who);
        const reference = String(r.input.reference ?? '');
        const manifest = r.http.body.toString('utf8') || '{}';
        const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
        const isTag = !reference.startsWith('sha256:');
        if (isTag) {
          const holder = findImage(repo, reference);
          if (holder && holder.digest !== digest && isTagImmutable(repo, reference)) {
            throw new AwsError(
              'TAG_INVALID',
              `The image tag '${reference}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`,
              400,
            );
          }
          holder?.tags.delete(reference);
        }
        const image = repo.images.get(digest) ?? {
          digest,
          tags: new Set<string>(),
          pushedAt: r.clock.now(),
          manifest,
        };
        if (isTag) image.tags.add(reference);
        repo.images.set(digest, image);
        return withHttp('', {
          status: 201,
          headers: { location: `/v2/${repo.name}/manifests/${digest}`, 'docker-content-digest': digest },
        });
      },
    },
    BatchGetImage: {
      action: false,
      logInput: ['repository', 'reference'],
      handler(r) {
        const { token, who } = authenticate(r);
        const repo = repositoryFor(r, token, 'ecr:BatchGetImage', who);
        const image = findImage(repo, String(r.input.reference ?? ''));
        if (!image) throw new AwsError('MANIFEST_UNKNOWN', 'Requested image not found', 404);
        return withHttp(image.manifest, {
          headers: { 'content-type': MANIFEST_TYPE, 'docker-content-digest': image.digest },
        });
      },
    },
  },
});
