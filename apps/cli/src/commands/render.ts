/** `eks-kit render --out DIR`: write the files the stack implies, never overwriting others' files. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { describeClusterAddon, METRICS_SERVER_ADDON } from '@eks-kit/asg-discovery';
import { EksKitError, sortedJson } from '@eks-kit/core';
import { autoModeRenderError, autoModeToRefuse, describeAccount, renderStack } from '@eks-kit/stack';
import { writeFileAtomic } from '../runtime/atomic-write.js';
import type { CommandContext } from '../runtime/context.js';
import { readStack, withClients } from '../runtime/load.js';
import { type AccountIdOption, type FileOption, optionValue } from '../runtime/options.js';
import { checkOutDir } from '../runtime/out-dir.js';

/** Options of `eks-kit render`. */
export interface RenderOptions extends FileOption, AccountIdOption {
  out?: string;
  force?: boolean;
}

/** The manifest of what render wrote, so a rerun may replace its own unedited files. */
const MANIFEST = '.eks-kit-render.json';

/**
 * Render helmfile.yaml, values/*.yaml, .gitlab-ci.yml and docker/config.json into `--out`. A file
 * that exists and is not the unedited output of an earlier render is left alone unless `--force`.
 * Without `--account-id` it reads the account and the cluster: a stack with an autoscaler for a
 * cluster in EKS Auto Mode is refused (`AutoModeCluster`) unless `autoscaler.onAutoMode: install`.
 *
 * @example
 * ```sh
 * eks-kit render --out deploy --account-id 123456789012
 * ```
 */
export async function renderCommand(ctx: CommandContext, options: RenderOptions): Promise<number> {
  // Flags first: a bad --out is refused before the stack is read or AWS is called.
  const outDir = await checkOutDir(options.out, '--out');
  const accountOption = options.accountId === undefined ? undefined : optionValue(options.accountId);
  const stack = await readStack(ctx, options);
  const region = stack.cluster.region;
  let accountId = accountOption;
  const installedAddons: string[] = [];
  if (accountId === undefined) {
    accountId = await withClients(ctx, region, async (clients) => {
      const { accountId: readAccountId } = await describeAccount(clients, { signal: ctx.signal });
      // EKS Auto Mode: no Cluster Autoscaler release there unless the stack says onAutoMode: install.
      // (With --account-id render reads nothing from AWS, so it cannot tell.)
      // A cluster that cannot be read (not created yet, no eks:DescribeCluster) renders as before.
      const autoMode = await autoModeToRefuse(clients, stack, { signal: ctx.signal }).catch(() => undefined);
      if (autoMode) throw autoModeRenderError(stack, autoMode);
      // metrics-server as an EKS add-on: do not render a second copy (issue 17). Read only when
      // render talks to AWS anyway; with --account-id it makes no AWS call at all.
      if (stack.metricsServer !== undefined && stack.metricsServer.enabled !== false) {
        try {
          const addon = await describeClusterAddon(
            clients,
            stack.cluster.name,
            METRICS_SERVER_ADDON,
            ctx.signal,
          );
          if (addon) {
            installedAddons.push(METRICS_SERVER_ADDON);
            ctx.out.notice(
              `metrics-server is installed as an EKS add-on (${addon.status}) on ${stack.cluster.name}: not rendered (set metricsServer.enabled: false to say so in the stack file)`,
            );
          }
        } catch (error) {
          ctx.out.notice(
            `could not read the cluster's EKS add-ons (${(error as Error).message}): metrics-server rendered as the stack file says`,
          );
        }
      }
      return readAccountId;
    });
  }
  const files = renderStack(stack, { accountId, installedAddons });
  const manifest = await readManifest(outDir);
  const conflicts: string[] = [];
  const plan: Array<{ path: string; content: string; mode: number; state: 'new' | 'same' | 'replace' }> = [];
  for (const file of files) {
    const target = join(outDir, file.path);
    if (!target.startsWith(outDir + sep))
      throw new EksKitError('BadPath', `refusing to write outside ${outDir}`);
    const existing = await readFile(target, 'utf8').catch(() => undefined);
    if (existing === undefined)
      plan.push({ path: file.path, content: file.content, mode: file.mode, state: 'new' });
    else if (existing === file.content)
      plan.push({ path: file.path, content: file.content, mode: file.mode, state: 'same' });
    else if (options.force === true || manifest[file.path] === sha256(existing))
      plan.push({ path: file.path, content: file.content, mode: file.mode, state: 'replace' });
    else conflicts.push(file.path);
  }
  if (conflicts.length > 0)
    throw new EksKitError(
      'WouldOverwrite',
      `${conflicts.length} file(s) in ${outDir} were not written by eks-kit or were edited since: ${conflicts.join(', ')}`,
      { hint: 'move them away, or pass --force to overwrite them' },
    );
  for (const item of plan)
    if (item.state !== 'same') await writeFileAtomic(join(outDir, item.path), item.content, item.mode);
  const next = { ...manifest };
  for (const item of plan) next[item.path] = sha256(item.content);
  await writeFileAtomic(join(outDir, MANIFEST), `${sortedJson(next, 2)}\n`);
  if (ctx.out.json) {
    ctx.out.resultJson({ out: outDir, files: plan.map((p) => ({ path: p.path, state: p.state })) });
  } else {
    for (const item of plan)
      ctx.out.result(
        `${item.state === 'new' ? '+' : item.state === 'replace' ? '~' : '='} ${join(String(options.out), item.path)}`,
      );
  }
  return 0;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function readManifest(dir: string): Promise<Record<string, string>> {
  try {
    const data = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as unknown;
    if (data && typeof data === 'object' && !Array.isArray(data)) {
      return Object.fromEntries(
        Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    }
  } catch {
    // no manifest: nothing was rendered here before
  }
  return {};
}
