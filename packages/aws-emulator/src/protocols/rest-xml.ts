/**
 * restXml (Route 53): routes by method + path, XML request bodies (handlers get the parsed root as
 * `input.body`), responses `<OpResponse xmlns=...>` (or a handler-chosen root), errors
 * `<ErrorResponse><Error><Type><Code><Message></Error><RequestId>`.
 */
import { AwsError } from '../framework/errors.js';
import type { AnyServiceModule, HttpRequest } from '../framework/service.js';
import { HttpResult } from '../framework/service.js';
import { escapeXml, parseXml, toXml } from '../framework/xml.js';
import { type Codec, matchRoute, queryObject } from './codec.js';

function ns(module: AnyServiceModule): string {
  return module.protocol.kind === 'restXml' ? module.protocol.xmlns : '';
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * The body of a request, with `Content-Encoding: aws-chunked` (SigV4 streaming upload: chunks of
 * `<hex size>[;chunk-signature=...]\r\n<data>\r\n`, a 0-size chunk, then optional trailers)
 * decoded to the data it carries; any other body as it came.
 * @example decodeAwsChunked({ headers: { 'content-encoding': 'aws-chunked' }, body: Buffer.from('3\r\nabc\r\n0\r\n\r\n') }) // 'abc'
 */
export function decodeAwsChunked(request: Pick<HttpRequest, 'headers' | 'body'>): Buffer {
  const encoding = request.headers['content-encoding'] ?? '';
  const sha = request.headers['x-amz-content-sha256'] ?? '';
  if (!/aws-chunked/.test(encoding) && !sha.startsWith('STREAMING-')) return request.body;
  const parts: Buffer[] = [];
  let pos = 0;
  const body = request.body;
  while (pos < body.length) {
    const end = body.indexOf('\r\n', pos);
    if (end < 0) break;
    const size = Number.parseInt(body.subarray(pos, end).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) throw new AwsError('IncompleteBody', 'Malformed aws-chunked body', 400);
    if (size === 0) break;
    parts.push(body.subarray(end + 2, end + 2 + size));
    pos = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

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
    if (match.route.rawBody) {
      input.body = decodeAwsChunked(request);
      return { operation: match.route.operation, input };
    }
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
    if (Buffer.isBuffer(r.body)) {
      return { status: r.status, headers: { 'x-amzn-requestid': requestId, ...r.headers }, body: r.body };
    }
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
    const bare = module.protocol.kind === 'restXml' && module.protocol.errorEnvelope === 'Error';
    const body =
      error.options.body ??
      (bare
        ? `${DECLARATION}<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${toXml(error.options.fields ?? {})}<RequestId>${requestId}</RequestId></Error>`
        : undefined) ??
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
