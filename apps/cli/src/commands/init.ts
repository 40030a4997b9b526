/** `eks-kit init`: write the commented starter stack file. */
import { access } from 'node:fs/promises';
import { EksKitError, InvalidInputError, resolveRegion, validateClusterName } from '@eks-kit/core';
import { parseStack, starterStack } from '@eks-kit/stack';
import { writeFileAtomic } from '../runtime/atomic-write.js';
import type { CommandContext } from '../runtime/context.js';
import type { FileOption } from '../runtime/options.js';
import { checkOutFile } from '../runtime/out-dir.js';

/** Options of `eks-kit init`. */
export interface InitOptions extends FileOption {
  name?: string;
  cluster?: string;
  force?: boolean;
}

/**
 * Write a commented starter `eks-kit.yaml` (refuses to overwrite without --force). Its
 * `cluster.region` is --region, else AWS_REGION, AWS_DEFAULT_REGION or the profile's region, else
 * the starter's eu-west-1.
 *
 * @example
 * ```sh
 * eks-kit init --name prod --cluster prod-eks --region eu-west-1
 * ```
 */
export async function initCommand(ctx: CommandContext, options: InitOptions): Promise<number> {
  const file = String(options.file ?? 'eks-kit.yaml');
  const cluster =
    options.cluster === undefined ? undefined : validateClusterName(options.cluster, '--cluster');
  const region =
    ctx.globals.region ??
    (await resolveRegion({
      ...(ctx.globals.profile ? { profile: ctx.globals.profile } : {}),
      env: ctx.env,
    }).catch(() => undefined));
  const text = starterStack({
    ...(typeof options.name === 'string' ? { name: options.name } : {}),
    ...(cluster ? { cluster } : {}),
    ...(region ? { region } : {}),
  });
  try {
    parseStack(text, file); // the starter must be valid with the names given (e.g. --name)
  } catch (error) {
    // The user typed --name, not the starter's line 6: name the flag (as --cluster is).
    if (error instanceof InvalidInputError && error.field === 'name' && typeof options.name === 'string')
      throw new InvalidInputError('--name', options.name, error.expected);
    throw error;
  }
  if (file === '-') {
    ctx.out.result(text);
    return 0;
  }
  await checkOutFile(file, '-f'); // a folder, a path through a file, a loop, /proc...: refused by name
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists && options.force !== true)
    throw new EksKitError('FileExists', `${file} already exists`, { hint: 'pass --force to overwrite it' });
  await writeFileAtomic(file, text);
  ctx.out.notice(`Wrote ${file}. Next: edit it, then run eks-kit plan.`);
  if (ctx.out.json) ctx.out.resultJson({ file });
  return 0;
}
