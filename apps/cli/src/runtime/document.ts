/**
 * A rendered YAML file printed by `helm values`, `helm helmfile`, `autoscaler values` and `ecr ci-job`:
 * as written, or with `--json` the same document as JSON (issue 21: `--json` printed YAML).
 */
import { parse } from 'yaml';
import type { CommandContext } from './context.js';

/**
 * Print a rendered YAML document: the text as is, or with `--json` its data as one JSON document (the
 * comments, which say the file is generated, are not data and are left out).
 *
 * @example
 * ```ts
 * printDocument(ctx, file.content); // --json: {"releases":[{"name":"cluster-autoscaler",...}],...}
 * ```
 */
export function printDocument(ctx: CommandContext, yamlText: string): void {
  if (ctx.out.json) ctx.out.resultJson(parse(yamlText) ?? {});
  else ctx.out.result(yamlText);
}
