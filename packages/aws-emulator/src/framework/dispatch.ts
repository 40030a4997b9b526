/**
 * Serves one AWS request: finds the service (raw route, else SigV4 scope), decodes it with the
 * protocol's codec, applies faults and deny rules, runs the handler, encodes the answer and logs it.
 */
import { codecs } from '../protocols/index.js';
import type { CallRecord } from '../types.js';
import { pickLogInput } from './call-log.js';
import { AwsError } from './errors.js';
import { accessDeniedMessage, isActionDenied } from './identities.js';
import { regionRefusal } from './regions.js';
import type { Runtime } from './runtime.js';
import type {
  AnyServiceModule,
  CallerIdentity,
  HttpRequest,
  HttpResponse,
  ServiceRequest,
} from './service.js';
import { type SigningScope, signingScope } from './sigv4.js';

/** Which module an unsigned request was probably meant for (for its error shape and the log). */
function guessModule(runtime: Runtime, request: HttpRequest): AnyServiceModule | undefined {
  const target = request.headers['x-amz-target'];
  for (const m of runtime.modules) {
    const p = m.protocol;
    if (p.kind === 'json' && target?.startsWith(`${p.targetPrefix}.`)) return m;
    if ((p.kind === 'restXml' || p.kind === 'restJson') && codecs[p.kind].guessOperation(request, m))
      return m;
  }
  const action = codecs.query.guessOperation(request, runtime.modules[0] as AnyServiceModule);
  if (action) {
    return runtime.modules.find(
      (m) =>
        (m.protocol.kind === 'query' || m.protocol.kind === 'ec2') && Object.hasOwn(m.operations, action),
    );
  }
  return undefined;
}

/**
 * Serves a request that is not for the control API.
 * @example const response = await dispatch(runtime, request)
 */
export async function dispatch(runtime: Runtime, request: HttpRequest): Promise<HttpResponse> {
  for (const m of runtime.modules) {
    if (m.protocol.kind === 'raw' && m.protocol.route(request)) return serve(runtime, m, request, undefined);
  }
  const scope = signingScope(request.headers.authorization, request.query.get('X-Amz-Credential'));
  if (!scope) {
    const m = guessModule(runtime, request);
    const codec = codecs[m?.protocol.kind ?? 'query'];
    const error = codec.defaults.missingAuthentication;
    const record = runtime.log.start({
      service: m?.signingName ?? 'unknown',
      operation: (m && codec.guessOperation(request, m)) ?? 'unknown',
      mutating: false,
      input: {},
      status: error.status,
      error: error.code,
    });
    if (m) {
      const spec = m.operations[record.operation];
      record.mutating = spec?.mutating === true;
    }
    return codec.failure(m ?? fallbackModule, record.operation, error, runtime.random.uuid());
  }
  const m = runtime.modules.find((mod) => mod.signingName === scope.service && mod.protocol.kind !== 'raw');
  if (!m) {
    const error = new AwsError(
      'NotImplemented',
      `The emulator does not implement the service '${scope.service}'.`,
      501,
    );
    runtime.log.start({
      service: scope.service,
      operation: 'unknown',
      mutating: false,
      input: {},
      status: 501,
      error: error.code,
      accessKeyId: scope.accessKeyId,
      region: scope.region,
    });
    return codecs.query.failure(fallbackModule, '', error, runtime.random.uuid());
  }
  return serve(runtime, m, request, scope);
}

/** The protocol's answer to credentials a Region does not accept (a disabled opt-in Region). */
const INVALID_TOKEN: Record<string, { code: string; status: number }> = {
  json: { code: 'UnrecognizedClientException', status: 400 },
  query: { code: 'InvalidClientTokenId', status: 403 },
  ec2: { code: 'AuthFailure', status: 401 },
  restJson: { code: 'UnrecognizedClientException', status: 403 },
  restXml: { code: 'InvalidClientTokenId', status: 403 },
};

/**
 * Who signed the request; refuses it when it is signed for a Region the account cannot use
 * (framework/regions.ts): a disabled opt-in Region (invalid token, as AWS answers there) or one an SCP
 * denies (AccessDenied).
 */
function callerIn(
  runtime: Runtime,
  module: AnyServiceModule,
  operation: string,
  scope: SigningScope | undefined,
): CallerIdentity {
  const caller = runtime.identities.resolve(scope?.accessKeyId ?? 'anonymous');
  const refusal = scope ? regionRefusal(runtime.world, scope.region) : undefined;
  if (refusal === 'not-enabled') {
    const shape = INVALID_TOKEN[module.protocol.kind] ?? { code: 'UnrecognizedClientException', status: 403 };
    throw new AwsError(shape.code, 'The security token included in the request is invalid.', shape.status);
  }
  if (refusal === 'scp') {
    const shape = module.errors?.accessDenied ?? codecs[module.protocol.kind].defaults.accessDenied;
    const action = `${module.signingName}:${operation}`;
    throw new AwsError(
      shape.code,
      `User: ${caller.arn} is not authorized to perform: ${action} on resource: * with an explicit deny in a service control policy`,
      shape.status,
    );
  }
  return caller;
}

const fallbackModule: AnyServiceModule = {
  signingName: 'unknown',
  protocol: { kind: 'query', version: '', xmlns: '' },
  createState: () => undefined,
  operations: {},
};

async function serve(
  runtime: Runtime,
  module: AnyServiceModule,
  request: HttpRequest,
  scope: SigningScope | undefined,
): Promise<HttpResponse> {
  const codec = codecs[module.protocol.kind];
  const requestId = runtime.random.uuid();
  const record: CallRecord = runtime.log.start({
    service: module.signingName,
    operation: 'unknown',
    mutating: false,
    input: {},
    status: 0,
    ...(scope ? { accessKeyId: scope.accessKeyId, region: scope.region } : {}),
  });
  let operation = codec.guessOperation(request, module) ?? 'unknown';
  let response: HttpResponse;
  try {
    const decoded = codec.decode(request, module);
    operation = decoded.operation;
    const spec = module.operations[operation];
    if (!spec) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`, 400);
    record.operation = operation;
    record.mutating = spec.mutating === true;
    record.input = pickLogInput(decoded.input, spec.logInput);

    const decision = runtime.faults.decide(module.signingName, operation);
    if (decision.latencyMs > 0) await runtime.clock.sleep(decision.latencyMs);
    if (decision.error) {
      const rule = decision.error;
      if (rule.kind === 'throttle') {
        const shape = spec.throttling ?? module.errors?.throttling ?? codec.defaults.throttling;
        throw new AwsError(rule.code ?? shape.code, 'Rate exceeded', rule.status ?? shape.status);
      }
      const status = rule.status ?? 500;
      const shape =
        status === 503 ? codec.defaults.unavailable : (module.errors?.internal ?? codec.defaults.internal);
      throw new AwsError(
        rule.code ?? shape.code,
        status === 503
          ? 'Service is unavailable, please try again later.'
          : 'We encountered an internal error. Please try again.',
        status,
      );
    }
    const caller = callerIn(runtime, module, operation, scope);
    // The caller's account serves the call (extra accounts of world.accounts); else the default one.
    const account = runtime.servingAccount(caller.accountId);
    const states = runtime.statesFor(account);
    if (runtime.multiAccount()) record.account = account;
    const deniedError = (action: string, resource: string, who: CallerIdentity): AwsError => {
      const shape = module.errors?.accessDenied ?? codec.defaults.accessDenied;
      return new AwsError(shape.code, accessDeniedMessage(who.arn, action, resource), shape.status);
    };
    const throttlingError = (message = 'Rate exceeded'): AwsError => {
      const shape = spec.throttling ?? module.errors?.throttling ?? codec.defaults.throttling;
      return new AwsError(shape.code, message, shape.status);
    };
    const serviceRequest: ServiceRequest<unknown> = {
      state: states.get(module.signingName),
      input: decoded.input,
      operation,
      service: module.signingName,
      region: scope?.region ?? runtime.region,
      accountId: account,
      caller,
      clock: runtime.clock,
      random: runtime.random,
      behaviour: runtime.behaviour,
      http: request,
      requestId,
      stateOf: <T>(service: string) => states.get(service) as T,
      stateOfAccount: <T>(service: string, accountId: string) =>
        (accountId === runtime.accountId ? runtime.states : runtime.accountStates.get(accountId))?.get(
          service,
        ) as T | undefined,
      accounts: () => [runtime.accountId, ...runtime.accountStates.keys()],
      multiAccount: runtime.multiAccount(),
      isDenied: (action, who = caller) => isActionDenied(action, who.deny),
      accessDeniedMessage: (action, resource, who = caller) => accessDeniedMessage(who.arn, action, resource),
      authorize(action, resource, who = caller) {
        if (isActionDenied(action, who.deny)) throw deniedError(action, resource, who);
      },
      identityOf: (accessKeyId) => runtime.identities.resolve(accessKeyId),
      registerIdentity: (accessKeyId, arn, extra) => runtime.identities.register(accessKeyId, arn, extra),
      enforceRate(key, ratePerSecond, burst) {
        // Request quotas are per account (and region, when the key names it): another account's calls
        // never use this account's budget (an assumed role's calls count in the role's account).
        if (!runtime.quotas.take(`${module.signingName}:${account}:${key}`, ratePerSecond, burst))
          throw throttlingError();
      },
      throttlingError,
    };
    if (spec.action !== false && scope) {
      const action = spec.action ?? `${module.signingName}:${operation}`;
      serviceRequest.authorize(action, spec.resource?.(decoded.input, serviceRequest) ?? '*');
    }
    const result = await spec.handler(serviceRequest);
    response = codec.success(module, operation, result, requestId);
  } catch (err) {
    const error =
      err instanceof AwsError
        ? err
        : new AwsError(
            codec.defaults.internal.code,
            'We encountered an internal error. Please try again.',
            500,
          );
    if (!(err instanceof AwsError)) {
      process.stderr.write(
        `aws-emulator: ${module.signingName}:${operation} failed: ${(err as Error)?.stack ?? err}\n`,
      );
    }
    record.operation = record.operation === 'unknown' ? operation : record.operation;
    record.error = error.code;
    response = codec.failure(module, operation, error, requestId);
  }
  record.status = response.status;
  return response;
}
