import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { CreateRepositoryCommand, ECRClient, TagResourceCommand } from '@aws-sdk/client-ecr';
import {
  GetResourcesCommand,
  paginateGetResources,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
let emu: Emulator;
let tagging: ResourceGroupsTaggingAPIClient;
let region: string;

beforeAll(async () => {
  emu = await startTestEmulator({
    seed: {
      accountId: ACCOUNT,
      identities: {
        AKIDNOTAG: { arn: `arn:aws:iam::${ACCOUNT}:user/no-tagging`, deny: ['tag:GetResources'] },
      },
    },
  });
  region = clientConfig(emu).region;
  tagging = new ResourceGroupsTaggingAPIClient(clientConfig(emu));
  const ecr = new ECRClient(clientConfig(emu));
  const other = new ECRClient(clientConfig(emu, { region: 'eu-west-1' }));
  const acm = new ACMClient(clientConfig(emu));
  for (let i = 0; i < 7; i++)
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: `prod/app-${i}`,
        tags: [{ Key: 'eks-kit:stack', Value: i < 5 ? 'prod' : 'dev' }],
      }),
    );
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'untagged' }));
  await other.send(
    new CreateRepositoryCommand({
      repositoryName: 'prod/far',
      tags: [{ Key: 'eks-kit:stack', Value: 'prod' }],
    }),
  );
  const cert = await acm.send(
    new RequestCertificateCommand({
      DomainName: 'app.example.com',
      ValidationMethod: 'DNS',
      Tags: [{ Key: 'eks-kit:stack', Value: 'prod' }],
    }),
  );
  // A tag added after creation is seen too.
  await ecr.send(
    new TagResourceCommand({
      resourceArn: `arn:aws:ecr:${region}:${ACCOUNT}:repository/untagged`,
      tags: [{ Key: 'team', Value: 'web' }],
    }),
  );
  expect(cert.CertificateArn).toMatch(/^arn:aws:acm:/);
  for (const c of [ecr, other, acm]) c.destroy();
});
afterAll(async () => {
  tagging.destroy();
  await emu.stop();
});

const prod = [{ Key: 'eks-kit:stack', Values: ['prod'] }];

describe('Resource Groups Tagging API (awsJson1_1)', () => {
  it('answers the resources of the region whose tags match, filtered by type', async () => {
    const repos = await tagging.send(
      new GetResourcesCommand({ TagFilters: prod, ResourceTypeFilters: ['ecr:repository'] }),
    );
    expect(repos.ResourceTagMappingList?.map((r) => r.ResourceARN?.split('/').slice(1).join('/'))).toEqual([
      'prod/app-0',
      'prod/app-1',
      'prod/app-2',
      'prod/app-3',
      'prod/app-4',
    ]);
    expect(repos.ResourceTagMappingList?.[0]?.Tags).toEqual([{ Key: 'eks-kit:stack', Value: 'prod' }]);
    expect(repos.PaginationToken).toBe('');
    const certs = await tagging.send(
      new GetResourcesCommand({ TagFilters: prod, ResourceTypeFilters: ['acm:certificate'] }),
    );
    expect(certs.ResourceTagMappingList?.map((r) => r.ResourceARN?.split(':')[2])).toEqual(['acm']);
    // A service alone matches its every type; a key without values matches any value.
    const all = await tagging.send(
      new GetResourcesCommand({ TagFilters: [{ Key: 'eks-kit:stack' }], ResourceTypeFilters: ['ecr'] }),
    );
    expect(all.ResourceTagMappingList).toHaveLength(7);
    // Several values are alternatives; several filters must all match.
    const both = await tagging.send(
      new GetResourcesCommand({
        TagFilters: [
          { Key: 'eks-kit:stack', Values: ['dev', 'prod'] },
          { Key: 'team', Values: ['web'] },
        ],
      }),
    );
    expect(both.ResourceTagMappingList).toEqual([]);
  });

  it('follows its token through pages of the size asked (and of the size the world caps)', async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateGetResources(
      { client: tagging, pageSize: 2 },
      { TagFilters: prod, ResourceTypeFilters: ['ecr:repository', 'acm:certificate'] },
    )) {
      pages++;
      for (const r of page.ResourceTagMappingList ?? []) seen.push(r.ResourceARN ?? '');
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(6);
    emu.behaviour.taggingPageSize = 1;
    try {
      const first = await tagging.send(new GetResourcesCommand({ TagFilters: prod, ResourcesPerPage: 100 }));
      expect(first.ResourceTagMappingList).toHaveLength(1);
      expect(first.PaginationToken).not.toBe('');
    } finally {
      delete emu.behaviour.taggingPageSize;
    }
  });

  it('refuses what AWS refuses, denies and throttles in its own shapes', async () => {
    const both = await failure(
      tagging.send(
        new GetResourcesCommand({
          TagFilters: prod,
          ResourceARNList: [`arn:aws:ecr:${region}:${ACCOUNT}:repository/x`],
        }),
      ),
    );
    expect(both.name).toBe('InvalidParameterException');
    const perPage = await failure(tagging.send(new GetResourcesCommand({ ResourcesPerPage: 101 })));
    expect(perPage.name).toBe('InvalidParameterException');
    const denied = new ResourceGroupsTaggingAPIClient(clientConfig(emu, { accessKeyId: 'AKIDNOTAG' }));
    const refused = await failure(denied.send(new GetResourcesCommand({ TagFilters: prod })));
    denied.destroy();
    expect(refused.$metadata.httpStatusCode).toBe(400);
    expect(refused.name).toMatch(/AccessDenied/);
    emu.setFaults([{ service: 'tagging', operation: 'GetResources', kind: 'throttle', count: 1 }]);
    const throttled = await failure(tagging.send(new GetResourcesCommand({ TagFilters: prod })));
    expect(throttled.name).toBe('ThrottledException');
    emu.setFaults([]);
  });

  it('rejects ARN lists with pages and out-of-range TagsPerPage, as the model does', async () => {
    const arn = `arn:aws:ecr:${region}:${ACCOUNT}:repository/prod/app-0`;
    const paged = await failure(
      tagging.send(new GetResourcesCommand({ ResourceARNList: [arn], ResourcesPerPage: 10 })),
    );
    expect(paged.name).toBe('InvalidParameterException');
    const tags = await failure(tagging.send(new GetResourcesCommand({ TagsPerPage: 50 })));
    expect(tags.name).toBe('InvalidParameterException');
    const byArn = await tagging.send(new GetResourcesCommand({ ResourceARNList: [arn] }));
    expect(byArn.ResourceTagMappingList?.map((r) => r.ResourceARN)).toEqual([arn]);
  });

  it('can answer stale entries and an empty first page with a token, which the paginator follows', async () => {
    const gone = `arn:aws:ecr:${region}:${ACCOUNT}:repository/prod/deleted`;
    emu.behaviour.taggingStale = [{ ResourceARN: gone, Tags: [{ Key: 'eks-kit:stack', Value: 'prod' }] }];
    emu.behaviour.taggingEmptyFirstPage = true;
    try {
      const first = await tagging.send(new GetResourcesCommand({ TagFilters: prod }));
      expect(first.ResourceTagMappingList).toEqual([]);
      expect(first.PaginationToken).not.toBe('');
      const seen: string[] = [];
      for await (const page of paginateGetResources(
        { client: tagging },
        { TagFilters: prod, ResourceTypeFilters: ['ecr:repository'] },
      ))
        for (const r of page.ResourceTagMappingList ?? []) seen.push(r.ResourceARN ?? '');
      expect(seen).toContain(gone);
      expect(seen).toHaveLength(6);
    } finally {
      delete emu.behaviour.taggingStale;
      delete emu.behaviour.taggingEmptyFirstPage;
    }
  });
});
