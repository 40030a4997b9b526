/** cluster.region from a default (the CLI passes --region or AWS_REGION): the file wins, bad values refused. */
import { describe, expect, it } from 'vitest';
import { parseStack } from '../src/index.js';
import { errorOf, withVersion } from './support/stack-text.js';

describe('cluster.region from a default', () => {
  const noRegion = withVersion('1.35').replace('  region: eu-west-1\n', '');

  it('a file without cluster.region takes defaultRegion', () => {
    expect(parseStack(noRegion, 'eks-kit.yaml', { defaultRegion: 'ap-northeast-1' }).cluster.region).toBe(
      'ap-northeast-1',
    );
  });

  it("the file's own region wins over defaultRegion", () => {
    expect(
      parseStack(withVersion('1.35'), 'eks-kit.yaml', { defaultRegion: 'ap-northeast-1' }).cluster.region,
    ).toBe('eu-west-1');
  });

  it('without a default, a missing cluster.region is refused naming the key', () => {
    expect(errorOf(() => parseStack(noRegion, 'eks-kit.yaml')).field).toBe('cluster.region');
  });

  it('a bad defaultRegion is refused like a bad cluster.region', () => {
    expect(errorOf(() => parseStack(noRegion, 'eks-kit.yaml', { defaultRegion: 'eu-west' })).field).toBe(
      'cluster.region',
    );
  });
});
