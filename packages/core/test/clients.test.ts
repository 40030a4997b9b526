import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { ListClustersCommand } from '@aws-sdk/client-eks';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { ListRootsCommand } from '@aws-sdk/client-organizations';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListHostedZonesCommand } from '@aws-sdk/client-route-53';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { DescribeParametersCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AWS_SERVICES,
  type AwsClients,
  type ClientMiddleware,
  type ClientServiceInfo,
  createClients,
  InvalidInputError,
  resolveRegion,
  SERVICE_KEYS,
  type ServiceKey,
  VERSION,
  withClientMiddleware,
  withRoute53From,
} from '../src/index.js';

// A minimal STS on 127.0.0.1: enough to see the SDK client, our middleware and retries at work.
const requests: { userAgent: string; authorization: string; body: string }[] = [];
let failNext = 0;
let server: Server;
let url: string;

const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/dev</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
const THROTTLED = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>Throttling</Code>
<Message>Rate exceeded</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    requests.push({
      userAgent: String(req.headers['user-agent'] ?? '') + String(req.headers['x-amz-user-agent'] ?? ''),
      authorization: String(req.headers.authorization ?? ''),
      body: await body(req),
    });
    if (failNext > 0) {
      failNext--;
      res.writeHead(400, { 'content-type': 'text/xml' }).end(THROTTLED);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml' }).end(IDENTITY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests.length = 0;
  failNext = 0;
});

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' };

describe('createClients', () => {
  it('counts calls and attempts per service and operation, retrying throttling', async () => {
    const clients = await createClients({
      region: 'ap-northeast-1',
      endpoint: url,
      credentials,
      retryMode: 'standard',
    });
    const sts = await clients.sts();
    expect(await clients.sts()).toBe(sts); // made once
    failNext = 2;
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('123456789012');
    await sts.send(new GetCallerIdentityCommand({}));
    expect(clients.counter.snapshot()).toEqual([
      { service: 'sts', operation: 'GetCallerIdentity', calls: 2, attempts: 4, errors: 0 },
    ]);
    expect(requests).toHaveLength(4);
    clients.counter.reset();
    expect(clients.counter.total()).toEqual({ calls: 0, attempts: 0, errors: 0 });
    clients.destroy();
  });

  it('counts a call that fails after its attempts as an error', async () => {
    const clients = await createClients({
      region: 'eu-west-1',
      endpoint: url,
      credentials,
      maxAttempts: 2,
      retryMode: 'standard',
    });
    failNext = 5;
    await expect((await clients.sts()).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'Throttling',
    });
    expect(clients.counter.total()).toEqual({ calls: 1, attempts: 2, errors: 1 });
  });

  it('sends the eks-kit user agent and signs with the given region', async () => {
    const clients = await createClients({ region: 'ap-northeast-1', endpoint: url, credentials });
    await (await clients.sts()).send(new GetCallerIdentityCommand({}));
    expect(requests[0]?.userAgent).toContain(`eks-kit/${VERSION}`);
    expect(requests[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-northeast-1\/sts\/aws4_request/,
    );
  });

  it('honours AWS_ENDPOINT_URL_STS like the SDK when no endpoint is given', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_STS;
    process.env.AWS_ENDPOINT_URL_STS = url;
    try {
      const clients = await createClients({ region: 'us-east-1', credentials });
      await (await clients.sts()).send(new GetCallerIdentityCommand({}));
      expect(requests).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
      else process.env.AWS_ENDPOINT_URL_STS = saved;
    }
  });

  it('shares the counter with a client set for another region', async () => {
    const clients = await createClients({ region: 'eu-west-1', endpoint: url, credentials });
    const east = clients.withRegion('us-east-1');
    expect(east.region).toBe('us-east-1');
    await (await east.sts()).send(new GetCallerIdentityCommand({}));
    expect(clients.counter.total().calls).toBe(1);
  });

  it("builds one getter per row of the service table, each making that row's client class", async () => {
    const clients = await createClients({ region: 'eu-west-1', endpoint: url, credentials });
    expect(SERVICE_KEYS).toEqual(Object.keys(AWS_SERVICES));
    for (const service of SERVICE_KEYS) {
      const client = await (clients[service] as () => Promise<object>)();
      expect(client.constructor.name, service).toBe(AWS_SERVICES[service].clientClass);
      expect(await (clients[service] as () => Promise<object>)(), service).toBe(client); // made once
    }
    clients.destroy();
  });

  // One command of each service: the table's endpoint variable must reach that service's client.
  const ONE_COMMAND: Record<ServiceKey, () => object> = {
    iam: () => new ListRolesCommand({}),
    autoScaling: () => new DescribeAutoScalingGroupsCommand({}),
    acm: () => new ListCertificatesCommand({}),
    route53: () => new ListHostedZonesCommand({}),
    ecr: () => new DescribeRepositoriesCommand({}),
    sts: () => new GetCallerIdentityCommand({}),
    eks: () => new ListClustersCommand({}),
    ec2: () => new DescribeRegionsCommand({}),
    ssm: () => new DescribeParametersCommand({}),
    sns: () => new ListTopicsCommand({}),
    organizations: () => new ListRootsCommand({}),
    s3: () => new ListBucketsCommand({}),
    sfn: () => new ListStateMachinesCommand({}),
    tagging: () => new GetResourcesCommand({}),
  };
  it.each(SERVICE_KEYS)('the table names the SDK endpoint variable of %s', async (service) => {
    const variable = AWS_SERVICES[service].endpointEnv;
    const saved = process.env[variable];
    process.env[variable] = url;
    const clients = await createClients({ region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      const client = (await (clients[service] as () => Promise<object>)()) as {
        send(command: object): Promise<unknown>;
      };
      // The stub answers STS XML: other services fail to parse, but the request reached the stub.
      await client.send(ONE_COMMAND[service]()).catch(() => undefined);
      expect(requests, variable).toHaveLength(1);
    } finally {
      clients.destroy();
      if (saved === undefined) delete process.env[variable];
      else process.env[variable] = saved;
    }
  });

  it('adds ClientOptions.middleware to every client, withRegion sets included, after the counter', async () => {
    const seen: string[] = [];
    const middleware: ClientMiddleware = {
      name: 'recordCommands',
      handler:
        ({ service, signingName, region }: ClientServiceInfo) =>
        (next, context) =>
        async (args) => {
          seen.push(`${service}/${signingName}@${region}:${context.commandName}`);
          return next(args);
        },
    };
    const clients = await createClients({
      region: 'eu-west-1',
      endpoint: url,
      credentials,
      middleware: [middleware],
    });
    await (await clients.sts()).send(new GetCallerIdentityCommand({}));
    await (await clients.withRegion('us-east-1').sts()).send(new GetCallerIdentityCommand({}));
    expect(seen).toEqual([
      'sts/sts@eu-west-1:GetCallerIdentityCommand',
      'sts/sts@us-east-1:GetCallerIdentityCommand',
    ]);
    expect(clients.counter.total().calls).toBe(2);
    clients.destroy();
  });

  it('withClientMiddleware adds middleware once per client to an existing set and its derived sets', async () => {
    const clients = await createClients({ region: 'eu-west-1', endpoint: url, credentials });
    const refused: string[] = [];
    const refuseSts = withClientMiddleware(clients, {
      name: 'refuseAll',
      priority: 'high',
      handler: (info) => (_next, context) => async () => {
        refused.push(`${info.signingName}:${context.commandName}@${info.region}`);
        throw new Error('refused');
      },
    });
    const sts = await refuseSts.sts();
    expect(await refuseSts.sts()).toBe(sts); // no second add (the SDK would throw on a duplicate name)
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toThrow('refused');
    const east = refuseSts.withRegion('us-east-1');
    await expect((await east.sts()).send(new GetCallerIdentityCommand({}))).rejects.toThrow('refused');
    const other = refuseSts.withCredentials?.({ accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' });
    await expect(
      (await (other as typeof clients).sts()).send(new GetCallerIdentityCommand({})),
    ).rejects.toThrow('refused');
    expect(refused).toEqual([
      'sts:GetCallerIdentityCommand@eu-west-1',
      'sts:GetCallerIdentityCommand@us-east-1',
      'sts:GetCallerIdentityCommand@eu-west-1',
    ]);
    expect(requests).toHaveLength(0);
    clients.destroy();
  });

  it('withRoute53From takes Route 53 from the other set and every other getter of the table from the base', async () => {
    const base = await createClients({ region: 'eu-west-1', endpoint: url, credentials });
    const dns = await createClients({ region: 'eu-west-1', endpoint: url, credentials });
    const split = withRoute53From(base, dns);
    expect(await split.route53()).toBe(await dns.route53());
    for (const service of SERVICE_KEYS.filter((s) => s !== 'route53'))
      expect(await (split[service] as () => Promise<object>)(), service).toBe(
        await (base[service] as () => Promise<object>)(),
      );
    expect(await split.acm('us-east-1')).toBe(await base.acm('us-east-1'));
    expect(await split.acm('us-east-1')).not.toBe(await base.acm());
    base.destroy();
    dns.destroy();
  });

  it('withRoute53From leaves out an optional getter its base set lacks (a caller tests for it)', async () => {
    const full = await createClients({ region: 'eu-west-1', endpoint: url, credentials });
    const { tagging: _tagging, ...base } = full;
    const split = withRoute53From(base as AwsClients, full);
    expect(split.tagging).toBeUndefined();
    expect(typeof split.iam).toBe('function');
    full.destroy();
  });

  it('refuses bad options before any call', async () => {
    await expect(createClients({ region: 'nowhere', credentials })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(createClients({ region: 'eu-west-1', maxAttempts: 0 })).rejects.toThrow('maxAttempts');
    await expect(createClients({ region: 'eu-west-1', endpoint: 'localhost:4566' })).rejects.toThrow(
      'endpoint',
    );
    expect(requests).toHaveLength(0);
  });
});

describe('resolveRegion (as the aws CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-kit-core-'));
  const config = join(dir, 'config');
  writeFileSync(config, '[default]\nregion = eu-north-1\n[profile prod]\nregion = ap-northeast-1\n');
  const base = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };

  it('prefers the option, then AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    expect(await resolveRegion({ region: 'us-west-2', env: { ...base, AWS_REGION: 'eu-west-1' } })).toBe(
      'us-west-2',
    );
    expect(
      await resolveRegion({ env: { ...base, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' } }),
    ).toBe('eu-west-1');
    expect(await resolveRegion({ env: { ...base, AWS_DEFAULT_REGION: 'eu-west-2' } })).toBe('eu-west-2');
  });
  it('then reads the profile from the config file', async () => {
    expect(await resolveRegion({ profile: 'prod', env: base })).toBe('ap-northeast-1');
    expect(await resolveRegion({ env: { ...base, AWS_PROFILE: 'prod' } })).toBe('ap-northeast-1');
    expect(await resolveRegion({ env: base })).toBe('eu-north-1');
  });
  it('says how to set one when there is none', async () => {
    await expect(resolveRegion({ profile: 'missing', env: base })).rejects.toThrow(/--region, AWS_REGION/);
  });
});
