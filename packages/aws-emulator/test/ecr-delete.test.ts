import { DeleteRepositoryCommand, ECRClient, paginateListImages } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

let emu: Emulator;
let ecr: ECRClient;
beforeAll(async () => {
  emu = await startTestEmulator({
    seed: {
      accountId: '123456789012',
      region: 'ap-northeast-1',
      ecr: {
        repositories: [{ name: 'full', imageTags: ['v1', 'v2', 'v3'] }, { name: 'empty' }],
      },
    },
  });
  ecr = new ECRClient(clientConfig(emu));
});
afterAll(async () => {
  ecr.destroy();
  await emu.stop();
});

describe('ECR ListImages and DeleteRepository on a repository with images', () => {
  it('ListImages pages every image id (the SDK paginator walks the pages)', async () => {
    const tags: string[] = [];
    let pages = 0;
    for await (const page of paginateListImages({ client: ecr, pageSize: 2 }, { repositoryName: 'full' })) {
      pages++;
      for (const id of page.imageIds ?? []) tags.push(id.imageTag ?? '');
    }
    expect(pages).toBe(2);
    expect(tags.sort()).toEqual(['v1', 'v2', 'v3']);
  });

  it('refuses DeleteRepository with RepositoryNotEmptyException while images remain, deletes with force', async () => {
    const refused = await failure(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'full' })));
    expect(refused.name).toBe('RepositoryNotEmptyException');
    expect(refused.message).toContain('still contains images');
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'full', force: true }));
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'empty' }));
    const gone = await failure(
      ecr.send(new DeleteRepositoryCommand({ repositoryName: 'full', force: true })),
    );
    expect(gone.name).toBe('RepositoryNotFoundException');
  });
});
