/**
 * What every protocol codec does: decode a request into an operation and input, encode a result
 * or an error, and know its protocol's default error codes.
 */
import type { AwsError } from '../framework/errors.js';
import type {
  AnyServiceModule,
  ErrorShape,
  HttpRequest,
  HttpResponse,
  RestRoute,
} from '../framework/service.js';

/** A decoded request. */
export interface Decoded {
  operation: string;
  input: Record<string, unknown>;
}

/** One codec per wire protocol. */
export interface Codec {
  /** Operation and input; throws AwsError for unknown operations or unreadable bodies. */
  decode(request: HttpRequest, module: AnyServiceModule): Decoded;
  /** Best guess of the operation of an unsigned or undecodable request, for the call log. */
  guessOperation(request: HttpRequest, module: AnyServiceModule): string | undefined;
  success(module: AnyServiceModule, operation: string, result: unknown, requestId: string): HttpResponse;
  failure(module: AnyServiceModule, operation: string, error: AwsError, requestId: string): HttpResponse;
  defaults: {
    throttling: ErrorShape;
    accessDenied: ErrorShape;
    /** Code for a 500 and for a 503. */
    internal: ErrorShape;
    unavailable: ErrorShape;
    missingAuthentication: AwsError;
  };
}

/**
 * Matches a REST route table against a request; path parameters are percent-decoded.
 * @example matchRoute([{ method: 'GET', path: '/2013-04-01/change/{Id}', operation: 'GetChange' }], req)
 */
export function matchRoute(
  routes: readonly RestRoute[],
  request: HttpRequest,
): { route: RestRoute; params: Record<string, string> } | undefined {
  const rawPath = request.rawPath.length > 1 ? request.rawPath.replace(/\/$/, '') : request.rawPath;
  for (const route of routes) {
    if (route.method.toUpperCase() !== request.method.toUpperCase()) continue;
    if (route.query?.some((q) => !request.query.has(q))) continue;
    const names: string[] = [];
    const pattern = route.path
      .replace(/\/$/, '')
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const m = /^\{([^}+]+)(\+?)\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[1] as string);
        return m[2] ? '(.+)' : '([^/]+)';
      })
      .join('');
    const match = new RegExp(`^${pattern}$`).exec(rawPath);
    if (!match) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1] as string);
    });
    return { route, params };
  }
  return undefined;
}

/**
 * Query string parameters as a plain object (first value of each key).
 * @example queryObject(new URLSearchParams('a=1')) // { a: '1' }
 */
export function queryObject(query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of query) if (!(k in out) && !k.startsWith('X-Amz-')) out[k] = v;
  return out;
}

/**
 * Replaces Dates with epoch seconds (the JSON protocols' timestamp format), deeply.
 * @example datesToEpochSeconds({ at: new Date(1000) }) // { at: 1 }
 */
export function datesToEpochSeconds(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(datesToEpochSeconds);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = datesToEpochSeconds(v);
    return out;
  }
  return value;
}
