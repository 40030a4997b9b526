/**
 * awsQuery: form-encoded `Action`/`Version` requests, XML responses
 * `<OpResponse><OpResult>..</OpResult><ResponseMetadata><RequestId>`, `member` lists, `entry` maps,
 * errors `<ErrorResponse><Error><Type><Code><Message></Error><RequestId>`.
 */
import { AwsError } from '../framework/errors.js';
import { decodeQueryParams } from '../framework/query-params.js';
import type { AnyServiceModule, HttpRequest } from '../framework/service.js';
import { HttpResult } from '../framework/service.js';
import { element, escapeXml, toXml } from '../framework/xml.js';
import type { Codec } from './codec.js';

/**
 * Form parameters of a query request: the query string plus a form body.
 * @example formParams(request).get('Action')
 */
export function formParams(request: HttpRequest): URLSearchParams {
  const params = new URLSearchParams(request.query);
  const type = request.headers['content-type'] ?? '';
  if (request.body.length > 0 && (type === '' || type.includes('x-www-form-urlencoded'))) {
    for (const [k, v] of new URLSearchParams(request.body.toString('utf8'))) params.append(k, v);
  }
  return params;
}

function xmlns(module: AnyServiceModule): string {
  return module.protocol.kind === 'query' || module.protocol.kind === 'ec2' ? module.protocol.xmlns : '';
}

function version(module: AnyServiceModule): string {
  return module.protocol.kind === 'query' || module.protocol.kind === 'ec2' ? module.protocol.version : '';
}

/**
 * Decodes Action + params (shared by the EC2 dialect); unknown actions are InvalidAction.
 * @example decodeQuery(request, iam) // { operation: 'GetRole', input: { RoleName: 'ci' } }
 */
export function decodeQuery(
  request: HttpRequest,
  module: AnyServiceModule,
): { operation: string; input: Record<string, unknown> } {
  const params = formParams(request);
  const action = params.get('Action');
  if (!action) throw new AwsError('MissingAction', 'Missing Action', 400);
  if (!Object.hasOwn(module.operations, action)) {
    throw new AwsError(
      'InvalidAction',
      `Could not find operation ${action} for version ${version(module)}`,
      400,
    );
  }
  return { operation: action, input: decodeQueryParams(params) };
}

/** The awsQuery codec. */
export const queryCodec: Codec = {
  decode: decodeQuery,
  guessOperation: (request) => formParams(request).get('Action') ?? undefined,
  success(module, operation, result, requestId) {
    const r = result instanceof HttpResult ? result : new HttpResult(result);
    const inner = r.body === undefined || r.body === null ? '' : element(`${operation}Result`, r.body);
    const body = `<${operation}Response xmlns="${escapeXml(xmlns(module))}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
    return {
      status: r.status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...r.headers },
      body,
    };
  },
  failure(module, _operation, error, requestId) {
    const body =
      error.options.body ??
      `<ErrorResponse xmlns="${escapeXml(xmlns(module))}"><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${toXml(error.options.fields ?? {})}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return {
      status: error.status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...error.options.headers },
      body,
    };
  },
  defaults: {
    throttling: { code: 'Throttling', status: 400 },
    accessDenied: { code: 'AccessDenied', status: 403 },
    internal: { code: 'InternalFailure', status: 500 },
    unavailable: { code: 'ServiceUnavailable', status: 503 },
    missingAuthentication: new AwsError(
      'MissingAuthenticationToken',
      'Request is missing Authentication Token',
      403,
    ),
  },
};
