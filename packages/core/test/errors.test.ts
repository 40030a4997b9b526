import { describe, expect, it } from 'vitest';
import {
  AwsCallError,
  deniedAction,
  deniedPrincipal,
  EksKitError,
  EXIT_CODES,
  formatError,
  InvalidInputError,
  isAccessDeniedError,
  isNotFoundError,
  isThrottlingError,
  wrapAwsError,
} from '../src/index.js';

function sdkError(name: string, message: string, status = 400): Error {
  const e = new Error(message) as Error & { $metadata: { httpStatusCode: number } };
  e.name = name;
  e.$metadata = { httpStatusCode: status };
  return e;
}

describe('InvalidInputError', () => {
  it('names the field, the expectation and the value on one line, exit code 64', () => {
    const e = new InvalidInputError('cluster.region', 'eu-west\nx', 'an AWS region such as eu-west-1');
    expect(e.message).toBe('cluster.region: expected an AWS region such as eu-west-1, got "eu-west x"');
    expect(e.message).not.toContain('\n');
    expect(e.exitCode).toBe(64);
    expect(e.code).toBe('InvalidInput');
    expect(e).toBeInstanceOf(EksKitError);
  });

  it('escapes control characters of a field and shortens a very long one (one line, always)', () => {
    const e = new InvalidInputError('tags.a\u0000b\nc', 'v', 'a tag key');
    expect(e.message).toBe('tags.a\\u0000b\\u000ac: expected a tag key, got "v"');
    expect(e.field).toBe('tags.a\u0000b\nc'); // the field itself is kept as given
    const long = new InvalidInputError(`tags.${'k'.repeat(1000)}`, 'v', 'a tag key');
    expect(long.message.length).toBeLessThan(260);
  });
});

describe('formatError: always one line, hint included', () => {
  it('joins a multi-line message and a multi-line hint', () => {
    const e = new EksKitError('X', 'first\nsecond', { hint: 'do this\nthen that' });
    expect(formatError(e)).toBe('first second (hint: do this then that)');
  });
});

describe('EXIT_CODES (no code means two things for one command)', () => {
  it('invalid input is 64 (EX_USAGE), never 2 (changes / failing findings) nor 1', () => {
    expect(EXIT_CODES.invalidInput).toBe(64);
    expect(EXIT_CODES.changes).toBe(2);
    expect(EXIT_CODES.failingFindings).toBe(2);
    const outcomes = [EXIT_CODES.ok, EXIT_CODES.failure, EXIT_CODES.changes, EXIT_CODES.invalidInput];
    expect(new Set(outcomes).size).toBe(outcomes.length);
    expect([EXIT_CODES.sighup, EXIT_CODES.sigint, EXIT_CODES.sigterm]).toEqual([128 + 1, 128 + 2, 128 + 15]);
    expect(new EksKitError('X', 'y').exitCode).toBe(EXIT_CODES.failure);
  });

  it('prefixes the file location and re-parents the field', () => {
    const e = new InvalidInputError('domainName', 'a..b', 'a DNS name').under(
      'certificates[0]',
      'eks-kit.yaml:12',
    );
    expect(e.field).toBe('certificates[0].domainName');
    expect(e.message).toBe('eks-kit.yaml:12: certificates[0].domainName: expected a DNS name, got "a..b"');
  });

  it('shortens long values and describes non-strings', () => {
    expect(new InvalidInputError('x', 'a'.repeat(200), 'short').message.length).toBeLessThan(120);
    expect(new InvalidInputError('x', [1, 2], 'a string').message).toContain('got a list of 2');
    expect(new InvalidInputError('x', undefined, 'a string').message).toContain('got nothing');
  });
});

describe('AWS error classification', () => {
  it('recognises throttling codes of every service', () => {
    for (const code of [
      'Throttling',
      'ThrottlingException',
      'TooManyRequestsException',
      'RequestLimitExceeded',
    ]) {
      expect(isThrottlingError(sdkError(code, 'slow down'))).toBe(true);
    }
    expect(isThrottlingError(sdkError('ValidationError', 'bad'))).toBe(false);
  });

  it('recognises not-found and access denied', () => {
    expect(isNotFoundError(sdkError('NoSuchEntity', 'The role with name x cannot be found.', 404))).toBe(
      true,
    );
    expect(isNotFoundError(sdkError('ResourceNotFoundException', 'nope'))).toBe(true);
    expect(isAccessDeniedError(sdkError('AccessDenied', 'no'))).toBe(true);
    expect(isAccessDeniedError(sdkError('UnauthorizedOperation', 'no'))).toBe(true);
  });

  it('extracts the denied action and principal from the message', () => {
    const msg =
      'User: arn:aws:sts::123456789012:assumed-role/node/i-1 is not authorized to perform: autoscaling:SetDesiredCapacity on resource: arn:aws:autoscaling:... because no identity-based policy allows it';
    expect(deniedAction(msg)).toBe('autoscaling:SetDesiredCapacity');
    expect(deniedPrincipal(msg)).toBe('arn:aws:sts::123456789012:assumed-role/node/i-1');
    expect(deniedAction('nothing here')).toBeUndefined();
  });

  it('wraps SDK errors with operation, resource, status and a hint', () => {
    const e = wrapAwsError(
      sdkError(
        'AccessDenied',
        'User: arn:aws:iam::1:user/x is not authorized to perform: iam:CreateRole on resource: y',
        403,
      ),
      'iam:CreateRole',
      'role/ca',
    ) as AwsCallError;
    expect(e).toBeInstanceOf(AwsCallError);
    expect(e.code).toBe('AccessDenied');
    expect(e.operation).toBe('iam:CreateRole');
    expect(e.deniedAction).toBe('iam:CreateRole');
    expect(e.httpStatus).toBe(403);
    expect(e.message).toMatch(/^iam:CreateRole on role\/ca failed: AccessDenied: /);
    expect(formatError(e)).toContain('(hint: grant iam:CreateRole');
  });

  it('passes eks-kit errors through unchanged', () => {
    const original = new EksKitError('Timeout', 'too slow');
    expect(wrapAwsError(original, 'acm:DescribeCertificate')).toBe(original);
  });
});
