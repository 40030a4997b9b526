/**
 * restXml (Route 53): routes by method + path, XML request bodies (handlers get the parsed root as
 * `input.body`), responses `<OpResponse xmlns=...>` (or a handler-chosen root), errors
 * `<ErrorResponse><Error><Type><Code><Message></Error><RequestId>`.
 */
import { AwsError } from '../framework/errors.js';
import type { AnyServiceModule } from '../framework/service.js';
import { HttpResult } from '../framework/service.js';
import { escapeXml, parseXml, toXml } from '../framework/xml.js';
import { type Codec, matchRoute, queryObject } from './codec.js';

function ns(module: AnyServiceModule): string {
  return module.protocol.kind === 'restXml' ? module.protocol.xmlns : '';
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** The restXml codec. */
export const restXmlCodec: Codec = {
  decode(request, module) {
    const routes = module.protocol.kind === 'restXml' ? module.protocol.routes : [];
    const match = matchRoute(routes, request);
    if (!match || !Object.hasOwn(module.operations, match.route.operation)) {
      throw new AwsError(
        'UnknownOperationException',
        `No operation for ${request.method} ${request.path}`,
        404,
      );
    }
    const input: Record<string, unknown> = { ...queryObject(request.query), ...match.params };
    const text = request.body.toString('utf8');
    if (text.trim() !== '') {
      try {
        input.body = parseXml(text);
      } catch (err) {
        throw new AwsError('InvalidInput', `Malformed XML: ${(err as Error).message}`, 400);
      }
    }
    return { operation: match.route.operation, input };
  },
  guessOperation(request, module) {
    const routes = module.protocol.kind === 'restXml' ? module.protocol.routes : [];
    return matchRoute(routes, request)?.route.operation;
  },
  success(module, operation, result, requestId) {
    const r = result instanceof HttpResult ? result : new HttpResult(result);
    const root = r.root ?? `${operation}Response`;
    const body =
      r.body === undefined || r.body === null
        ? ''
        : `${DECLARATION}<${root} xmlns="${escapeXml(ns(module))}">${toXml(r.body)}</${root}>`;
    return {
      status: r.status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...r.headers },
      body,
    };
  },
  failure(module, _operation, error, requestId) {
    const body =
      error.options.body ??
      `${DECLARATION}<ErrorResponse xmlns="${escapeXml(ns(module))}"><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${toXml(error.options.fields ?? {})}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
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
    missingAuthentication: new AwsError('MissingAuthenticationToken', 'Missing Authentication Token', 403),
  },
};
