/**
 * The EC2 query dialect: like awsQuery on the way in (`Param.N` lists), but responses are
 * `<OpResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>..</requestId>...` with
 * `<item>` lists, and errors `<Response><Errors><Error><Code><Message></Error></Errors><RequestID>`.
 */
import { AwsError } from '../framework/errors.js';
import { HttpResult } from '../framework/service.js';
import { escapeXml, toXml } from '../framework/xml.js';
import type { Codec } from './codec.js';
import { decodeQuery, formParams } from './query.js';

/** The EC2 codec. */
export const ec2Codec: Codec = {
  decode: decodeQuery,
  guessOperation: (request) => formParams(request).get('Action') ?? undefined,
  success(module, operation, result, requestId) {
    const r = result instanceof HttpResult ? result : new HttpResult(result);
    const ns = module.protocol.kind === 'ec2' ? module.protocol.xmlns : '';
    const body = `<${operation}Response xmlns="${escapeXml(ns)}"><requestId>${requestId}</requestId>${toXml(r.body, 'item')}</${operation}Response>`;
    return { status: r.status, headers: { 'content-type': 'text/xml;charset=UTF-8', ...r.headers }, body };
  },
  failure(_module, _operation, error, requestId) {
    const body =
      error.options.body ??
      `<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${toXml(error.options.fields ?? {}, 'item')}</Error></Errors><RequestID>${requestId}</RequestID></Response>`;
    return {
      status: error.status,
      headers: { 'content-type': 'text/xml;charset=UTF-8', ...error.options.headers },
      body,
    };
  },
  defaults: {
    throttling: { code: 'RequestLimitExceeded', status: 503 },
    accessDenied: { code: 'UnauthorizedOperation', status: 403 },
    internal: { code: 'InternalError', status: 500 },
    unavailable: { code: 'Unavailable', status: 503 },
    missingAuthentication: new AwsError(
      'MissingAuthenticationToken',
      'Request is missing Authentication Token',
      401,
    ),
  },
};
