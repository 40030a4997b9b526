/**
 * Small stand-in modules, one per protocol, that exercise the framework through the real SDK
 * clients independently of the real service modules (extraServices replaces same-named ones).
 */
import {
  AwsError,
  asList,
  children,
  childText,
  defineService,
  withHttp,
  type XmlElement,
} from '../src/index.js';

export const fakeAcm = defineService<{ certs: string[] }>({
  signingName: 'acm',
  protocol: { kind: 'json', targetPrefix: 'CertificateManager', jsonVersion: '1.1' },
  createState: () => ({ certs: ['arn:aws:acm:ap-northeast-1:123456789012:certificate/one'] }),
  operations: {
    ListCertificates: {
      handler: ({ state, enforceRate, clock }) => {
        enforceRate('ListCertificates', 1);
        return {
          CertificateSummaryList: state.certs.map((CertificateArn) => ({
            CertificateArn,
            DomainName: 'a.example.com',
            CreatedAt: clock.date(),
          })),
        };
      },
    },
    DescribeCertificate: {
      logInput: ['CertificateArn'],
      handler: ({ input }) => {
        throw new AwsError(
          'ResourceNotFoundException',
          `Could not find certificate ${String(input.CertificateArn)}.`,
        );
      },
    },
  },
});

export const fakeRoute53 = defineService<{ changes: Array<{ action: string; name: string; value: string }> }>(
  {
    signingName: 'route53',
    protocol: {
      kind: 'restXml',
      xmlns: 'https://route53.amazonaws.com/doc/2013-04-01/',
      routes: [
        { method: 'GET', path: '/2013-04-01/change/{Id}', operation: 'GetChange' },
        { method: 'POST', path: '/2013-04-01/hostedzone/{Id}/rrset', operation: 'ChangeResourceRecordSets' },
      ],
    },
    createState: () => ({ changes: [] }),
    operations: {
      GetChange: {
        handler: ({ input, clock }) => ({
          ChangeInfo: { Id: `/change/${String(input.Id)}`, Status: 'INSYNC', SubmittedAt: clock.date() },
        }),
      },
      ChangeResourceRecordSets: {
        mutating: true,
        logInput: ['Id'],
        throttling: { code: 'PriorRequestNotComplete', status: 400 },
        handler: ({ input, state, clock }) => {
          if (input.Id !== 'Z1')
            throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${String(input.Id)}`, 404);
          const body = input.body as XmlElement;
          const batch = children(body, 'ChangeBatch')[0];
          for (const change of children(children(batch, 'Changes')[0], 'Change')) {
            const set = children(change, 'ResourceRecordSet')[0];
            const records = children(children(set, 'ResourceRecords')[0], 'ResourceRecord');
            for (const r of records) {
              state.changes.push({
                action: childText(change, 'Action') ?? '',
                name: childText(set, 'Name') ?? '',
                value: childText(r, 'Value') ?? '',
              });
            }
          }
          return { ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: clock.date() } };
        },
      },
    },
  },
);

export const fakeEks = defineService<Record<string, never>>({
  signingName: 'eks',
  protocol: {
    kind: 'restJson',
    routes: [{ method: 'GET', path: '/clusters/{name}', operation: 'DescribeCluster' }],
  },
  createState: () => ({}),
  operations: {
    DescribeCluster: {
      logInput: ['name'],
      handler: ({ input, clock }) => {
        if (input.name !== 'prod')
          throw new AwsError(
            'ResourceNotFoundException',
            `No cluster found for name: ${String(input.name)}.`,
            404,
          );
        return { cluster: { name: 'prod', version: '1.35', createdAt: clock.date(), tags: { a: 'b' } } };
      },
    },
  },
});

export const fakeEc2 = defineService<Record<string, never>>({
  signingName: 'ec2',
  protocol: { kind: 'ec2', version: '2016-11-15', xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/' },
  createState: () => ({}),
  operations: {
    DescribeInstanceTypes: {
      handler: ({ input }) => {
        const types = asList<string>(input.InstanceType);
        const unknown = types.find((t) => !['m5.large', 'c5.xlarge'].includes(t));
        if (unknown)
          throw new AwsError(
            'InvalidInstanceType',
            `The following supplied instance types do not exist: [${unknown}]`,
          );
        return {
          instanceTypeSet: types.map((t) => ({
            instanceType: t,
            vCpuInfo: { defaultVCpus: t === 'm5.large' ? 2 : 4 },
          })),
        };
      },
    },
  },
});

export const fakeRegistry = defineService<{ uploads: string[] }>({
  signingName: 'registry',
  protocol: {
    kind: 'raw',
    route: (request) => {
      const m = /^\/v2\/(.+)\/blobs\/uploads\/?$/.exec(request.path);
      if (m && request.method === 'POST')
        return { operation: 'InitiateLayerUpload', params: { repository: m[1] as string } };
      return request.path === '/v2/' ? { operation: 'Ping' } : undefined;
    },
  },
  createState: () => ({ uploads: [] }),
  operations: {
    Ping: { handler: () => withHttp({}, { status: 200 }) },
    InitiateLayerUpload: {
      mutating: true,
      logInput: ['repository'],
      handler: ({ input, http, state }) => {
        if (!http.headers.authorization?.startsWith('Basic ')) {
          throw new AwsError('UNAUTHORIZED', 'authentication required', 401, {
            headers: {
              'www-authenticate':
                'Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
            },
          });
        }
        const id = `u${state.uploads.length + 1}`;
        state.uploads.push(id);
        return withHttp('', {
          status: 202,
          headers: { location: `/v2/${String(input.repository)}/blobs/uploads/${id}` },
        });
      },
    },
  },
});
