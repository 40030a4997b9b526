/**
 * awsJson1_0 / awsJson1_1: `POST /` with `X-Amz-Target: <Prefix>.<Op>`, JSON in and out, Dates as
 * epoch seconds, errors `{"__type": "Code", "message": "..."}`.
 */
import { AwsError } from '../framework/errors.js';
import type { AnyServiceModule, HttpRequest } from '../framework/service.js';
import { HttpResult } from '../framework/service.js';
import { type Codec, datesToEpochSeconds } from './codec.js';

function contentType(module: AnyServiceModule): string {
  return `application/x-amz-json-${module.protocol.kind === 'json' ? (module.protocol.jsonVersion ?? '1.1') : '1.1'}`;
}

function target(request: HttpRequest, module: AnyServiceModule): string | undefined {
  const header = request.headers['x-amz-target'];
  if (!header || module.protocol.kind !== 'json') return undefined;
  const prefix = `${module.protocol.targetPrefix}.`;
  return header.startsWith(prefix) ? header.slice(prefix.length) : undefined;
}

/**
 * Parses a JSON request body ('' is `{}`); a bad body is a SerializationException.
 * @example parseJsonBody(Buffer.from('{"a":1}')) // { a: 1 }
 */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400);
}

/** The awsJson codec. */
export const jsonCodec: Codec = {
  decode(request, module) {
    const operation = target(request, module);
    if (!operation || !Object.hasOwn(module.operations, operation)) {
      throw new AwsError(
        'UnknownOperationException',
        `Unknown operation ${request.headers['x-amz-target'] ?? '(no X-Amz-Target)'}`,
        400,
      );
    }
    return { operation, input: parseJsonBody(request.body) };
  },
  guessOperation: (request) => request.headers['x-amz-target']?.split('.').pop(),
  success(module, _operation, result, requestId) {
    const r = result instanceof HttpResult ? result : new HttpResult(result);
    return {
      status: r.status,
      headers: { 'content-type': contentType(module), 'x-amzn-requestid': requestId, ...r.headers },
      body: JSON.stringify(datesToEpochSeconds(r.body ?? {})),
    };
  },
  failure(module, _operation, error, requestId) {
    return {
      status: error.status,
      headers: {
        'content-type': contentType(module),
        'x-amzn-requestid': requestId,
        ...error.options.headers,
      },
      body:
        error.options.body ??
        JSON.stringify({ __type: error.code, message: error.message, ...(error.options.fields ?? {}) }),
    };
  },
  defaults: {
    throttling: { code: 'ThrottlingException', status: 400 },
    accessDenied: { code: 'AccessDeniedException', status: 400 },
    internal: { code: 'InternalFailure', status: 500 },
    unavailable: { code: 'ServiceUnavailable', status: 503 },
    missingAuthentication: new AwsError(
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
      400,
    ),
  },
};
