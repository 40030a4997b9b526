/**
 * restJson1 (EKS): routes by method + path, JSON bodies (merged with query and path parameters
 * into the input), Dates as epoch seconds, errors with the `x-amzn-errortype` header and
 * `{"message": ...}`.
 */
import { AwsError } from '../framework/errors.js';
import { HttpResult } from '../framework/service.js';
import { type Codec, datesToEpochSeconds, matchRoute, queryObject } from './codec.js';
import { parseJsonBody } from './json.js';

/** The restJson1 codec. */
export const restJsonCodec: Codec = {
  decode(request, module) {
    const routes = module.protocol.kind === 'restJson' ? module.protocol.routes : [];
    const match = matchRoute(routes, request);
    if (!match || !Object.hasOwn(module.operations, match.route.operation)) {
      throw new AwsError(
        'UnknownOperationException',
        `No operation for ${request.method} ${request.path}`,
        404,
      );
    }
    return {
      operation: match.route.operation,
      input: { ...queryObject(request.query), ...parseJsonBody(request.body), ...match.params },
    };
  },
  guessOperation(request, module) {
    const routes = module.protocol.kind === 'restJson' ? module.protocol.routes : [];
    return matchRoute(routes, request)?.route.operation;
  },
  success(_module, _operation, result, requestId) {
    const r = result instanceof HttpResult ? result : new HttpResult(result);
    return {
      status: r.status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...r.headers },
      body: JSON.stringify(datesToEpochSeconds(r.body ?? {})),
    };
  },
  failure(_module, _operation, error, requestId) {
    return {
      status: error.status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': error.code,
        ...error.options.headers,
      },
      body: error.options.body ?? JSON.stringify({ message: error.message, ...(error.options.fields ?? {}) }),
    };
  },
  defaults: {
    throttling: { code: 'ThrottlingException', status: 429 },
    accessDenied: { code: 'AccessDeniedException', status: 403 },
    internal: { code: 'InternalFailure', status: 500 },
    unavailable: { code: 'ServiceUnavailable', status: 503 },
    missingAuthentication: new AwsError(
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
      403,
    ),
  },
};
