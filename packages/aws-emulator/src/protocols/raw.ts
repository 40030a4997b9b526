/**
 * Raw routes (not AWS): the docker registry API. No SigV4; handlers return `withHttp(body, ...)`
 * with a string/Buffer/JSON body; errors are the registry's `{"errors":[{"code","message","detail"}]}`.
 */
import { AwsError } from '../framework/errors.js';
import { HttpResult } from '../framework/service.js';
import type { Codec } from './codec.js';

const REGISTRY_HEADERS = { 'docker-distribution-api-version': 'registry/2.0' };

/** The raw codec. */
export const rawCodec: Codec = {
  decode(request, module) {
    const match = module.protocol.kind === 'raw' ? module.protocol.route(request) : undefined;
    if (!match || !Object.hasOwn(module.operations, match.operation)) {
      throw new AwsError('NOT_FOUND', `No route for ${request.method} ${request.path}`, 404);
    }
    const input: Record<string, unknown> = {};
    for (const [k, v] of request.query) if (!(k in input)) input[k] = v;
    return { operation: match.operation, input: { ...input, ...(match.params ?? {}) } };
  },
  guessOperation: (request, module) =>
    module.protocol.kind === 'raw' ? module.protocol.route(request)?.operation : undefined,
  success(_module, _operation, result, _requestId) {
    const r = result instanceof HttpResult ? result : new HttpResult(result);
    const isText = typeof r.body === 'string' || Buffer.isBuffer(r.body);
    const body =
      r.body === undefined || r.body === null
        ? ''
        : isText
          ? (r.body as string | Buffer)
          : JSON.stringify(r.body);
    const type: Record<string, string> = isText ? {} : { 'content-type': 'application/json' };
    return { status: r.status, headers: { ...REGISTRY_HEADERS, ...type, ...r.headers }, body };
  },
  failure(_module, _operation, error, _requestId) {
    return {
      status: error.status,
      headers: { ...REGISTRY_HEADERS, 'content-type': 'application/json', ...error.options.headers },
      body:
        error.options.body ??
        JSON.stringify({
          errors: [{ code: error.code, message: error.message, detail: error.options.fields ?? null }],
        }),
    };
  },
  defaults: {
    throttling: { code: 'TOOMANYREQUESTS', status: 429 },
    accessDenied: { code: 'DENIED', status: 403 },
    internal: { code: 'UNKNOWN', status: 500 },
    unavailable: { code: 'UNAVAILABLE', status: 503 },
    missingAuthentication: new AwsError('UNAUTHORIZED', 'authentication required', 401),
  },
};
