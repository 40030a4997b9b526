// The kaniko-to-ECR set-up against the local emulator: repository + cache, runner role, the build
// job, the docker config, and the push check with its diagnosis (good pod, then a pod on the node role).
// Run: pnpm --filter @eks-kit/ecr-credentials... build && pnpm --filter @eks-kit/aws-emulator build
//      node packages/ecr-credentials/examples/emulator-demo.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@eks-kit/aws-emulator';
import { createClients, renderChanges } from '@eks-kit/core';
import {
  checkPushAccess,
  dockerConfig,
  ensureRepository,
  ensureRunnerRole,
  expireUntaggedAfterDays,
  getDockerAuth,
  gitlabKanikoJob,
  kanikoCacheRepository,
  keepLastTaggedImages,
  mergeDockerConfig,
  readDockerConfig,
  registryHostFor,
  writeDockerConfig,
} from '@eks-kit/ecr-credentials';

const account = '123456789012';
const region = 'eu-west-1';
const issuer = `https://oidc.eks.${region}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
const emu = await startEmulator({
  port: 0,
  speed: 1000,
  seed: {
    accountId: account,
    region,
    eks: { clusters: [{ name: 'prod', version: '1.35', oidcIssuer: issuer }] },
    iam: { oidcProviders: [issuer] },
    identities: {
      AKIDNODE: {
        arn: `arn:aws:sts::${account}:assumed-role/eks-node-role/i-0abc`,
        deny: ['ecr:InitiateLayerUpload'],
      },
    },
  },
});
const connect = (accessKeyId) =>
  createClients({
    region,
    endpoint: emu.url,
    credentials: { accessKeyId, secretAccessKey: 'x' },
    maxAttempts: 3,
  });
const clients = await connect('AKIDADMIN');
const registry = registryHostFor(account, region);

try {
  const repo = await ensureRepository(clients, {
    name: 'team/app',
    tagMutability: 'IMMUTABLE',
    scanOnPush: true,
    lifecyclePolicy: [expireUntaggedAfterDays(14), keepLastTaggedImages(50)],
    stack: 'demo',
  });
  const cache = await ensureRepository(clients, kanikoCacheRepository('team/app', { stack: 'demo' }));
  const role = await ensureRunnerRole(clients, {
    cluster: 'prod',
    namespace: 'gitlab-runner',
    serviceAccount: 'build',
    repositories: ['team/app'],
    roleName: 'gitlab-runner-ecr-push',
    stack: 'demo',
  });
  console.log(renderChanges([...repo.changes, ...cache.changes, ...role.changes], { verb: 'Applied' }));
  console.log('\nservice account annotation:', role.serviceAccountAnnotations);
  console.log(
    `\n.gitlab-ci.yml:\n${gitlabKanikoJob({ registry, repository: 'team/app', tags: ['$CI_COMMIT_SHORT_SHA'] })}`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'eks-kit-demo-'));
  const path = join(dir, 'config.json');
  const stale = { auths: { [registry]: { auth: Buffer.from('AWS:old-token').toString('base64') } } };
  const { warnings } = await writeDockerConfig(
    path,
    mergeDockerConfig(stale, dockerConfig({ credHelpers: [registry] })),
  );
  console.log('docker config written:', await readDockerConfig(path).then((c) => Object.keys(c)));
  for (const w of warnings) console.log('warning:', w.message);
  await rm(dir, { recursive: true });

  console.log('\ntoken:', await getDockerAuth(clients, { registry })); // password redacted
  for (const [who, c] of [
    ['IRSA role', clients],
    ['node role', await connect('AKIDNODE')],
  ]) {
    const findings = await checkPushAccess(c, {
      registry,
      repository: 'team/app',
      registryEndpoint: emu.url,
    });
    for (const f of findings)
      console.log(`\npush check as ${who}: ${f.status}: ${f.message}${f.hint ? `\n  fix: ${f.hint}` : ''}`);
  }
} finally {
  await emu.stop();
}
