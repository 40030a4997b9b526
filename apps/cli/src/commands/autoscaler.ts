/** `eks-kit autoscaler ...`: the Cluster Autoscaler's IAM, tags, values, checks, fit and logs. */
import * as asg from '@eks-kit/asg-discovery';
import { EksKitError, EXIT_CODES, InvalidInputError, partitionOfRegion } from '@eks-kit/core';
import { oidcProviderArnFromIssuer } from '@eks-kit/iam-policies';
import {
  autoscalerRoleInput,
  inStackTerms,
  renderStack,
  resolveStackNodeTemplates,
  type Stack,
  workerGroupSelection,
  workerGroupSelectionInStackTerms,
} from '@eks-kit/stack';
import { accountIdOf, checkAccountOption } from '../runtime/account.js';
import type { CommandContext } from '../runtime/context.js';
import { printDocument } from '../runtime/document.js';
import { withStack } from '../runtime/load.js';
import { type AccountIdOption, type FileOption, optionValue, type Parsed } from '../runtime/options.js';
import { openInput } from '../runtime/read-input.js';
import { printFindings } from './check.js';

/** Options of `eks-kit autoscaler policy`. */
export interface AutoscalerPolicyOptions extends FileOption {
  minimal?: boolean;
}

/** Options of `eks-kit autoscaler tags`. */
export interface AutoscalerTagsOptions extends FileOption {
  fromNodegroup?: boolean;
}

/** Options of `eks-kit autoscaler verify`. */
export interface AutoscalerVerifyOptions extends FileOption {
  /** A cluster-autoscaler log file, `-` for standard input. */
  log?: string;
}

/** Options of `eks-kit autoscaler fit`. */
export interface AutoscalerFitOptions extends FileOption {
  cpu?: string;
  memory?: string;
  instanceType?: string[];
  vmMemoryOverheadPercent?: Parsed<number>;
}

function requireAutoscaler(stack: Stack): NonNullable<Stack['autoscaler']> {
  if (!stack.autoscaler)
    throw new InvalidInputError('autoscaler', undefined, 'an autoscaler section in the stack');
  return stack.autoscaler;
}

/**
 * Print the autoscaler's IAM policy: writes limited by the tag condition, or with `--minimal` to the
 * selected groups' ARNs.
 *
 * @example
 * ```sh
 * eks-kit autoscaler policy > ca-policy.json
 * ```
 */
export async function autoscalerPolicy(
  ctx: CommandContext,
  options: AutoscalerPolicyOptions,
): Promise<number> {
  return withStack(ctx, options, async ({ stack, clients }) => {
    requireAutoscaler(stack);
    let scope: asg.AutoscalerPolicyScope = 'tag-condition';
    if (options.minimal === true) {
      const groups = await asg.findNodeGroups(clients, {
        cluster: stack.cluster.name,
        select: workerGroupSelection(stack),
      });
      scope = { asgArns: groups.map((g) => g.arn) };
    }
    ctx.out.result(
      JSON.stringify(asg.clusterAutoscalerPolicy({ cluster: stack.cluster.name, scope }), null, 2),
    );
    return 0;
  });
}

/**
 * Print the trust policy of the autoscaler role for the stack's identity mode.
 *
 * @example
 * ```sh
 * eks-kit autoscaler trust --account-id 123456789012
 * ```
 */
export async function autoscalerTrust(
  ctx: CommandContext,
  options: FileOption & AccountIdOption,
): Promise<number> {
  checkAccountOption(options);
  return withStack(ctx, options, async ({ stack, clients }) => {
    requireAutoscaler(stack);
    // asg-discovery's choice of trust per identity mode, as apply and check make it.
    const role = asg.resolveAutoscalerRoleInput(autoscalerRoleInput(stack));
    let oidc: { providerArn: string } | undefined;
    if (role.identity === 'irsa') {
      const issuerUrl =
        stack.cluster.oidcIssuer ?? (await asg.readClusterOidc(clients, stack.cluster.name)).issuer;
      const accountId = await accountIdOf(options, clients, ctx.signal);
      const partition = partitionOfRegion(stack.cluster.region);
      oidc = { providerArn: oidcProviderArnFromIssuer(issuerUrl, accountId, partition) };
    }
    ctx.out.result(JSON.stringify(asg.autoscalerTrustPolicy(role, oidc), null, 2));
    return 0;
  });
}

/**
 * Print the tags every selected worker group needs: discovery tags and node templates (`from-nodegroup`
 * templates, and with `--from-nodegroup` every group's, read from EKS and the launch template user data).
 *
 * @example
 * ```sh
 * eks-kit autoscaler tags --json
 * eks-kit autoscaler tags --from-nodegroup
 * ```
 */
export async function autoscalerTags(ctx: CommandContext, options: AutoscalerTagsOptions): Promise<number> {
  return withStack(ctx, options, async ({ stack, clients }) => {
    const a = requireAutoscaler(stack);
    const discovery = asg.autoDiscoveryTags(stack.cluster.name);
    const resolved = { ...((await resolveStackNodeTemplates(clients, stack)) ?? {}) };
    if (options.fromNodegroup === true) {
      const groups = await asg.findNodeGroups(clients, {
        cluster: stack.cluster.name,
        select: workerGroupSelection(stack),
      });
      const read = await asg.readNodeTemplates(clients, { cluster: stack.cluster.name, groups });
      for (const [group, r] of read) resolved[group] ??= r.template;
    }
    const templates = Object.fromEntries(
      Object.entries(resolved).map(([group, t]) => [
        group,
        asg.nodeTemplateTags(t, `autoscaler.nodeTemplates.${group}`),
      ]),
    );
    if (ctx.out.json) {
      // The selection in the stack file's keys (names, prefix or clusterTags), as the user wrote it.
      ctx.out.resultJson({ workerGroups: a.workerGroups, discovery, nodeTemplates: templates });
      return 0;
    }
    ctx.out.result(
      `Every group selected by autoscaler.workerGroups (${workerGroupSelectionInStackTerms(a.workerGroups, stack.cluster.name)}), PropagateAtLaunch=false:`,
    );
    for (const t of discovery) ctx.out.result(`  ${t.key}=${t.value}`);
    for (const [group, tags] of Object.entries(templates)) {
      ctx.out.result(`Group ${group} (scale from zero):`);
      for (const t of tags) ctx.out.result(`  ${t.key}=${t.value}`);
    }
    return 0;
  });
}

/**
 * Print the cluster-autoscaler chart values (the same file `render` writes); with `--json`, the same
 * document as JSON.
 *
 * @example
 * ```sh
 * eks-kit autoscaler values --account-id 123456789012 > values.yaml
 * ```
 */
export async function autoscalerValues(
  ctx: CommandContext,
  options: FileOption & AccountIdOption,
): Promise<number> {
  checkAccountOption(options);
  return withStack(ctx, options, async ({ stack, clients }) => {
    requireAutoscaler(stack);
    const accountId = await accountIdOf(options, clients, ctx.signal);
    const file = renderStack(stack, { accountId }).find((f) => f.path === 'values/cluster-autoscaler.yaml');
    printDocument(ctx, file?.content ?? '');
    return 0;
  });
}

/**
 * Check the autoscaler's AWS side: groups and their tags, role, trust, OIDC provider, headroom, node
 * templates and group shapes; with `--log`, also what the log shows about the groups (at max while pods
 * are pending, one zone only for zonal volumes).
 *
 * @example
 * ```sh
 * eks-kit autoscaler verify --json
 * kubectl -n kube-system logs deploy/cluster-autoscaler | eks-kit autoscaler verify --log -
 * ```
 */
export async function autoscalerVerify(
  ctx: CommandContext,
  options: AutoscalerVerifyOptions,
): Promise<number> {
  const logInput = options.log === undefined ? undefined : await openInput(String(options.log), '--log');
  return withStack(ctx, options, async ({ stack, clients }) => {
    requireAutoscaler(stack);
    const { stack: _stack, ...input } = autoscalerRoleInput(stack);
    const setup = await asg.checkAutoscalerSetup(clients, input);
    if (logInput) {
      const report = await asg.readAutoscalerLog(logInput, { year: new Date().getUTCFullYear() });
      const groups = await asg.findNodeGroups(clients, {
        cluster: stack.cluster.name,
        select: workerGroupSelection(stack),
      });
      setup.push(...asg.logGroupFindings(report, groups));
    }
    const findings = inStackTerms(setup, stack);
    printFindings(ctx, findings, stack.name);
    return findings.some((f) => f.status === 'fail') ? EXIT_CODES.failingFindings : EXIT_CODES.ok;
  });
}

/**
 * Would a pod with these requests fit a new node? Per instance type, with the numbers
 * (what the VM keeps of EC2's memory, EKS kube-reserved and eviction threshold).
 * `--vm-memory-overhead-percent` is asg-discovery's `vmMemoryOverheadPercent` (default 0.075).
 *
 * @example
 * ```sh
 * eks-kit autoscaler fit --cpu 1500m --memory 1Gi --instance-type t3.large --vm-memory-overhead-percent 0.05
 * ```
 */
export async function autoscalerFit(ctx: CommandContext, options: AutoscalerFitOptions): Promise<number> {
  const requests = { cpu: String(options.cpu), memory: String(options.memory ?? '0') };
  asg.cpuMillicores(requests.cpu, '--cpu');
  asg.memoryMebibytes(requests.memory, '--memory');
  const overhead =
    options.vmMemoryOverheadPercent === undefined ? undefined : optionValue(options.vmMemoryOverheadPercent);
  const types = options.instanceType ?? [];
  for (const t of types)
    if (!/^[a-z0-9-]+\.[a-z0-9-]+$/.test(t))
      throw new InvalidInputError('--instance-type', t, 'an EC2 instance type such as t3.large');
  return withStack(ctx, options, async ({ stack, clients }) => {
    requireAutoscaler(stack);
    let names = types;
    if (names.length === 0) {
      const groups = await asg.resolveInstanceTypes(
        clients,
        await asg.findNodeGroups(clients, {
          cluster: stack.cluster.name,
          select: workerGroupSelection(stack),
        }),
      );
      names = [...new Set(groups.flatMap((g) => g.instanceTypes))].sort();
      // Attribute-based groups are resolved as the autoscaler does; one that cannot be is said, not guessed.
      const unresolved = groups.filter((g) => g.instanceTypes.length === 0 && g.instanceTypesUnresolved);
      for (const g of unresolved) ctx.out.notice(`${g.name}: ${g.instanceTypesUnresolved}`);
      if (names.length === 0)
        throw new EksKitError(
          'InstanceTypesUnresolved',
          "no instance type could be resolved for the stack's worker groups",
          {
            hint:
              unresolved.map((g) => `${g.name}: ${g.instanceTypesUnresolved}`).join('; ') ||
              'pass the types with --instance-type',
          },
        );
    }
    const results = asg.podFits({
      requests,
      instanceTypes: await asg.describeInstanceTypes(clients, names),
      ...(overhead !== undefined ? { vmMemoryOverheadPercent: overhead } : {}),
    });
    if (ctx.out.json) ctx.out.resultJson({ requests, results });
    else
      for (const r of results)
        ctx.out.result(
          `${r.fits ? 'fits    ' : 'no fit  '}${r.instanceType.padEnd(14)} VM memory overhead ${r.vmMemoryOverheadMiB}Mi, allocatable ${r.allocatable.cpuMillicores}m / ${r.allocatable.memoryMiB}Mi, available ${r.available.cpuMillicores}m / ${r.available.memoryMiB}Mi${r.reasons.length ? `: ${r.reasons.join('; ')}` : ''}`,
        );
    return results.some((r) => r.fits) ? 0 : 1;
  });
}

/**
 * Read cluster-autoscaler logs, live: each finished scale-up, each scale-down and each diagnosis is
 * printed as soon as the line that completes it arrives (`kubectl logs -f ... | eks-kit autoscaler
 * logs -`), then what never completed and the counts at end of input. `--json` prints one JSON object
 * a line: `{"kind":"event",...}` for every event, `"scale-up"`, `"scale-down"`, `"diagnosis"` as they
 * complete, and a last `{"kind":"report", summary, diagnoses, stats}`.
 *
 * @example
 * ```sh
 * kubectl -n kube-system logs -f deploy/cluster-autoscaler | eks-kit autoscaler logs -
 * ```
 */
export async function autoscalerLogs(ctx: CommandContext, _options: object, args: string[]): Promise<number> {
  const input = await openInput(args[0], '<file>');
  const json = ctx.out.json;
  const line = (value: object): void => ctx.out.result(JSON.stringify(value));
  let printed = 0;
  const report = await asg.readAutoscalerLog(input, {
    year: new Date().getUTCFullYear(),
    onEvent: json ? (event) => line({ kind: 'event', ...event }) : undefined,
    onSummary: (done) => {
      printed++;
      if (json)
        line(
          done.kind === 'scale-up'
            ? { kind: 'scale-up', ...done.scaleUp }
            : { kind: 'scale-down', ...done.scaleDown },
        );
      else
        ctx.out.result(
          done.kind === 'scale-up'
            ? `scale-up   ${describe(done.scaleUp)}`
            : `scale-down ${describe(done.scaleDown)}`,
        );
    },
    onDiagnosis: (d) => {
      printed++;
      if (json) line({ kind: 'diagnosis', ...d });
      else ctx.out.result(ctx.out.paint.red(`problem: ${oneLine(d)}`));
    },
  });
  // Not one line in klog or JSON form: this is not a cluster-autoscaler log (exit 1, not "(empty)").
  const nothingRecognised = report.stats.format === 'empty';
  if (json) {
    line({ kind: 'report', summary: report.summary, diagnoses: report.diagnoses, stats: report.stats });
    return nothingRecognised ? 1 : 0;
  }
  const { summary, stats } = report;
  if (nothingRecognised)
    throw new EksKitError(
      'NotAnAutoscalerLog',
      `no cluster-autoscaler log line recognised in ${args[0] === '-' ? 'standard input' : args[0]} (${stats.lines} line(s) read)`,
      {
        hint: 'expected klog text or --logging-format=json lines, e.g. kubectl -n kube-system logs deploy/cluster-autoscaler | eks-kit autoscaler logs -',
      },
    );
  // At end of input: what never completed, then the totals.
  for (const s of summary.scaleUps.filter((u) => u.status !== 'finished'))
    ctx.out.result(`scale-up   ${describe(s)} (${s.status}, not finished in this log)`);
  for (const t of summary.terminatedInstances)
    ctx.out.result(`terminated ${t.instanceId}${t.group ? ` in ${t.group}` : ''}`);
  if (summary.unschedulablePods.length)
    ctx.out.result(`unschedulable pods: ${summary.unschedulablePods.join(', ')}`);
  if (printed + summary.scaleUps.length === 0)
    ctx.out.result('No scale-up, scale-down or known failure in this log.');
  ctx.out.notice(
    `Read ${stats.lines} line(s) (${stats.format}), ${stats.malformed} skipped as malformed${stats.oversized ? ` (${stats.oversized} longer than ${asg.MAX_LOG_LINE_CHARS} characters)` : ''}; ${summary.scaleUps.length} scale-up(s), ${summary.scaleDowns.length} scale-down(s), ${report.diagnoses.length} problem(s).`,
  );
  for (const d of report.diagnoses.filter((x) => x.count > 1))
    ctx.out.notice(`  ${d.code}${d.subject ? ` ${d.subject}` : ''}: seen ${d.count} times`);
  return 0;
}

function describe(v: asg.ScaleUpSummary | asg.ScaleDownSummary): string {
  if ('group' in v)
    return `${v.group} ${v.from} -> ${v.to}${v.max !== undefined ? ` (max ${v.max})` : ''}${typeof v.secondsToFinish === 'number' ? `, finished in ${v.secondsToFinish}s` : ''}`;
  return `${v.node}${typeof v.unneededSeconds === 'number' ? ` after ${v.unneededSeconds}s unneeded` : ''}`;
}

function oneLine(d: asg.Diagnosis): string {
  return [d.message, d.fix ? `fix: ${d.fix}` : undefined].filter(Boolean).join(' | ') || JSON.stringify(d);
}
