/**
 * STS (awsQuery 2011-06-15): GetCallerIdentity and AssumeRole. An assumed role's access key acts
 * as `arn:aws:sts::<account>:assumed-role/<role>/<session>` on later requests.
 */
import { AwsError } from '../framework/errors.js';
import { checkName, optionalInt, requireString } from '../framework/params.js';
import { defineService } from '../framework/service.js';
import { findRole, type IamState } from './iam/state.js';

/** STS state: nothing beyond the sessions kept by the identity registry. */
type StsState = Record<string, never>;

/** A stable pseudo unique id for a principal ARN (AIDA... for users). */
function stableId(prefix: string, text: string): string {
  let h = 2166136261;
  let out = '';
  for (let i = 0; out.length < 17; i++) {
    h = Math.imul(h ^ (text.charCodeAt(i % Math.max(1, text.length)) + i), 16777619) >>> 0;
    out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[h % 32];
  }
  return prefix + out;
}

/** The STS module. */
export const sts = defineService<StsState>({
  signingName: 'sts',
  protocol: { kind: 'query', version: '2011-06-15', xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/' },
  createState: () => ({}),
  operations: {
    GetCallerIdentity: {
      // GetCallerIdentity needs no permission: an explicit deny does not stop it (STS API reference).
      action: false,
      handler: ({ caller, stateOf }) => {
        const session = /:assumed-role\/([^/]+)\/(.+)$/.exec(caller.arn);
        let userId = stableId('AIDA', caller.arn);
        if (session) {
          const role = findRole(stateOf<IamState>('iam'), session[1] as string);
          userId = `${role?.id ?? stableId('AROA', session[1] as string)}:${session[2]}`;
        }
        return { UserId: userId, Account: caller.accountId, Arn: caller.arn };
      },
    },
    AssumeRole: {
      logInput: ['RoleArn', 'RoleSessionName', 'DurationSeconds'],
      resource: (input) => String(input.RoleArn ?? '*'),
      handler: ({ input, caller, clock, random, stateOf, registerIdentity, accessDeniedMessage }) => {
        const arn = requireString(input, 'RoleArn');
        const sessionName = requireString(input, 'RoleSessionName');
        checkName('RoleSessionName', sessionName, 2, 64, /^[\w+=,.@-]*$/);
        const duration = optionalInt(input, 'DurationSeconds', 900, 43_200) ?? 3600;
        const role = findRole(stateOf<IamState>('iam'), arn);
        if (!role) {
          // AWS answers a missing role like a refused trust: AccessDenied on sts:AssumeRole.
          throw new AwsError('AccessDenied', accessDeniedMessage('sts:AssumeRole', arn, caller), 403);
        }
        if (duration > role.maxSessionDuration) {
          throw new AwsError(
            'ValidationError',
            'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
            400,
          );
        }
        const sessionArn = `arn:aws:sts::${role.arn.split(':')[4]}:assumed-role/${role.name}/${sessionName}`;
        const accessKeyId = random.id('ASIA', 16);
        registerIdentity(accessKeyId, sessionArn, { roleArn: role.arn });
        return {
          Credentials: {
            AccessKeyId: accessKeyId,
            SecretAccessKey: random.chars(
              40,
              'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
            ),
            SessionToken: `FwoGZXIvYXdzE${random.chars(120, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`,
            Expiration: new Date(clock.now() + duration * 1000),
          },
          AssumedRoleUser: { AssumedRoleId: `${role.id}:${sessionName}`, Arn: sessionArn },
          PackedPolicySize: undefined,
        };
      },
    },
  },
});
