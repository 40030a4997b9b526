/**
 * The command tree (commander). Each action loads its command module on demand, so a command pays
 * only for what it uses.
 */
import { EksKitError, EXIT_CODES, formatError, InvalidInputError, nearestName } from '@eks-kit/core';
import { Command, CommanderError, Option } from 'commander';
import { TOP_HELP } from './help-text.js';
import type { CommandContext } from './runtime/context.js';
import { CREDENTIALS_HINT } from './runtime/credentials.js';
import { checkGlobals, type GlobalOptions } from './runtime/global-options.js';
import {
  HELM_CHARTS,
  parseAccountId,
  parseMinutes,
  parseOverheadFraction,
  parseRegionList,
} from './runtime/options.js';
import { createOutput } from './runtime/output.js';
import { CLI_VERSION } from './version.js';

/** A command: its typed options (the interface beside it in commands/), its arguments, the exit code. */
type Action<O extends object> = (ctx: CommandContext, options: O, args: string[]) => Promise<number>;

const FILE_OPTION = ['-f, --file <path>', 'stack file ("-" for standard input)', 'eks-kit.yaml'] as const;
/** `--all-regions` and `--regions a,b` of plan, apply, check and destroy (issue 21). */
const ALL_REGIONS_OPTION = [
  '--all-regions',
  "also look for the stack's certificates in every region enabled for the account (ec2:DescribeRegions)",
] as const;
const REGIONS_OPTION = [
  '--regions <a,b>',
  "also look for the stack's certificates in these regions",
  parseRegionList,
] as const;

/**
 * Run the CLI with these arguments and return the exit code (EXIT_CODES of `@eks-kit/core`: 0 ok,
 * 1 failure, 2 changes or failing findings, 64 invalid input, 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['plan', '-f', 'eks-kit.yaml', '--json']);
 * ```
 */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  // The bundled SDK's Node 22 notice concerns future SDK releases, not this run: one line of noise
  // on every command. Set the variable to "false" to see it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  // SIGINT (Ctrl-C), SIGTERM (a supervisor, `timeout`, CI cancelling a job) and SIGHUP (the terminal
  // closed) all end a command the same way: stop at the next safe point, one line, 128 + signal.
  let stoppedBy: StopSignal | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const onSignal = (signal: StopSignal): void => {
    if (stoppedBy !== undefined) {
      // A second signal: quit at once (the first one is still winding down).
      process.exit(SIGNAL_EXIT_CODES[stoppedBy]);
    }
    stoppedBy = signal;
    // On a terminal, Ctrl-C gets an answer at once; the one closing line below says the rest.
    if (signal === 'SIGINT' && process.stderr.isTTY === true)
      process.stderr.write('\nInterrupted: stopping (Ctrl-C again to quit at once). A rerun converges.\n');
    controller.abort(new EksKitError('Aborted', `stopped by ${signal}`));
    // A step that cannot see the abort (reading standard input, a call without a signal) must not keep
    // the process alive: give it a grace period, then end with the same code.
    graceTimer = setTimeout(() => {
      process.stderr.write(`Stopped by ${signal}. A rerun converges.\n`);
      process.exit(SIGNAL_EXIT_CODES[signal]);
    }, STOP_GRACE_MS).unref();
  };
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = (): void => onSignal(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  let exitCode = 0;
  let printedError = false;
  const writeErr = (text: string): void => {
    printedError = true;
    // One style for every error line: commander's "error: ..." becomes "Error: ...".
    const line = text
      .replace(/\n+$/, '')
      .replace(/\n+/g, ' ')
      .replace(/^error: /, 'Error: ');
    process.stderr.write(`${line}\n`);
  };
  const program = buildProgram(writeErr, async (action, options, args, command) => {
    const raw = command.optsWithGlobals() as GlobalOptions;
    const globals = checkGlobals(raw, env, process.stdout.isTTY === true);
    const out = createOutput(globals, env);
    const ctx: CommandContext = {
      globals,
      out,
      signal: controller.signal,
      env,
      stdinIsTty: process.stdin.isTTY === true,
    };
    exitCode = await action(ctx, options, args);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (stoppedBy !== undefined) {
      process.stderr.write(`Stopped by ${stoppedBy}. A rerun converges.\n`);
      return SIGNAL_EXIT_CODES[stoppedBy];
    }
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT_CODES.ok;
      if (!printedError) process.stderr.write(`${oneLine(error.message.replace(/^error: /, 'Error: '))}\n`);
      return EXIT_CODES.invalidInput;
    }
    const code = error instanceof EksKitError ? error.exitCode : EXIT_CODES.failure;
    if (stoppedBy === undefined || error instanceof InvalidInputError) {
      process.stderr.write(`Error: ${formatError(error)}${credentialsHint(error)}\n`);
      return code;
    }
    const why = causedByAbort(error, controller.signal.reason) ? '' : `: ${formatError(error)}`;
    process.stderr.write(`Stopped by ${stoppedBy}${why}. A rerun converges.\n`);
    return SIGNAL_EXIT_CODES[stoppedBy];
  } finally {
    clearTimeout(graceTimer);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}

/** The signals that end a command cleanly. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];
/** 128 + the signal's number, as shells report a process killed by it. */
const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = {
  SIGINT: EXIT_CODES.sigint,
  SIGTERM: EXIT_CODES.sigterm,
  SIGHUP: EXIT_CODES.sighup,
};
/** How long a stopped command may take to reach a safe point before the process ends anyway. */
const STOP_GRACE_MS = 10_000;

/** True when an error is the abort itself, or an SDK/poll error it caused (`AbortError`), however wrapped. */
function causedByAbort(error: unknown, reason: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (current === reason) return true;
    const e = current as { name?: unknown; code?: unknown; awsCode?: unknown; cause?: unknown };
    if (e.name === 'AbortError' || e.code === 'Aborted' || e.awsCode === 'AbortError') return true;
    current = e.cause;
  }
  return false;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** What {@link parseCliArgs} found: the command it would run, or the one-line error and exit code. */
export interface ParsedCliArgs {
  exitCode: number;
  /** `plan`, `autoscaler fit`, ... when the arguments name a command and its flags are valid. */
  command?: string;
  /** What the CLI would print on stderr (one line), when the arguments are refused. */
  stderr: string;
}

/**
 * Parse arguments exactly as {@link runCli} does (commander, then the global flags' checks) without
 * running the command: no file is read, no AWS client is made. For the fuzz suite and for tools.
 * Throws only for a defect: every refusal is a result with the invalid-input exit code.
 *
 * @example
 * ```ts
 * await parseCliArgs(['plan', '--max-attempts', '0']);
 * // { exitCode: 64, stderr: 'Error: --max-attempts: expected a whole number from 1 to 20, got "0"' }
 * ```
 */
export async function parseCliArgs(
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<ParsedCliArgs> {
  let stderr = '';
  const writeErr = (text: string): void => {
    stderr += text;
  };
  let command: string | undefined;
  const program = buildProgram(
    writeErr,
    async (_action, _options, _args, cmd) => {
      checkGlobals(cmd.optsWithGlobals() as GlobalOptions, env, false);
      const names: string[] = [];
      for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
      command = names.join(' ');
    },
    () => undefined,
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { exitCode: EXIT_CODES.ok, ...(command ? { command } : {}), stderr: '' };
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code))
        return { exitCode: EXIT_CODES.ok, stderr: '' };
      const line = oneLine((stderr || error.message).replace(/^error: /, 'Error: '));
      return { exitCode: EXIT_CODES.invalidInput, stderr: line };
    }
    if (error instanceof InvalidInputError)
      return { exitCode: EXIT_CODES.invalidInput, stderr: `Error: ${formatError(error)}` };
    throw error;
  }
}

/** A hint for the SDK's "no credentials" error, which says what failed but not what to do. */
function credentialsHint(error: unknown): string {
  const text =
    error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : '';
  return /Could not load credentials/i.test(text) ? ` (hint: ${CREDENTIALS_HINT})` : '';
}

type Runner = <O extends object>(
  action: Action<O>,
  options: O,
  args: string[],
  command: Command,
) => Promise<void>;

/**
 * `--timeout <minutes>`, parsed to a number of minutes (default 30; help shows `(default: "30")` as
 * it always did).
 */
function timeoutOption(description: string): Option {
  return new Option('--timeout <minutes>', description).argParser(parseMinutes).default(30, '"30"');
}

/** Makes a command's action: it loads the command's module when run and hands it to the runner. */
type LazyAction = <O extends object>(
  load: () => Promise<Action<O>>,
) => (...params: unknown[]) => Promise<void>;

/** The root command with the global options, before any subcommand is added. */
function rootCommand(writeErr: (text: string) => void, writeOut?: (text: string) => void): Command {
  // exitOverride and output are set before any subcommand is added: subcommands copy them.
  const program = new Command('eks-kit')
    .exitOverride()
    .configureOutput(writeOut ? { writeErr, writeOut } : { writeErr })
    .configureHelp({ showGlobalOptions: true })
    .version(CLI_VERSION, '-V, --version')
    .option('--region <region>', 'AWS region')
    .option('--profile <name>', 'named profile from ~/.aws/config')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint')
    .option('--max-attempts <n>', 'attempts per AWS call, retries included')
    .option('--retry-mode <mode>', 'SDK retry mode: standard or adaptive (default adaptive)')
    .option('--json', 'machine-readable output')
    .option('--no-color', 'no colours')
    .option('--quiet', 'results only, no notices')
    .option('--verbose', 'print AWS calls per operation at the end')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
  program.helpInformation = () => TOP_HELP;
  return program;
}

/** The {@link LazyAction} of a runner: commander's action arguments become options, arguments and command. */
function lazyAction(run: Runner): LazyAction {
  return <O extends object>(load: () => Promise<Action<O>>) =>
    async (...params: unknown[]): Promise<void> => {
      const command = params[params.length - 1] as Command;
      // commander's options object: its shape is O, the interface of the options declared below for
      // this command (with the parsers of runtime/options.ts for the typed ones).
      const options = params[params.length - 2] as O;
      const args = params
        .slice(0, -2)
        .flat()
        .filter((a): a is string => typeof a === 'string');
      await run(await load(), options, args, command);
    };
}

/** The commands of a stack's life: init (the starter file), plan, apply, destroy. */
function addStackCommands(program: Command, lazy: LazyAction): void {
  program
    .command('init')
    .description('write a commented starter eks-kit.yaml')
    .option(...FILE_OPTION)
    .option('--name <name>', 'stack name')
    .option('--cluster <name>', 'EKS cluster name')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExample:\n  eks-kit init --name prod --cluster prod-eks --region eu-west-1')
    .action(lazy(async () => (await import('./commands/init.js')).initCommand));

  program
    .command('plan')
    .description('show what apply would change')
    .option(...FILE_OPTION)
    .option(
      '--detailed-exitcode',
      'exit 0 when there are no changes, 2 when there are (1 failure, 64 invalid input)',
    )
    .option('--adopt', 'plan as apply --adopt: resources made by hand (no eks-kit:stack tag) are taken over')
    .option(
      '--prune',
      'plan as apply --prune: resources tagged for the stack that the file no longer describes are deleted (-); without it they are listed apart and count as no change',
    )
    .option(...ALL_REGIONS_OPTION)
    .option(...REGIONS_OPTION)
    .addHelpText(
      'after',
      '\nExamples:\n  eks-kit plan\n  eks-kit plan --json > plan.json\n  eks-kit plan --detailed-exitcode || echo "changes (2), failure (1) or invalid input (64)"\n  eks-kit plan --prune   # as apply --prune: the orphans\' deletions are changes too\n  eks-kit plan --prune --all-regions   # also the certificates left in regions the file no longer names (-)',
    )
    .action(lazy(async () => (await import('./commands/plan.js')).planCommand));

  program
    .command('apply')
    .description('make AWS match the stack, in dependency order')
    .option(...FILE_OPTION)
    .option('-y, --yes', 'apply without asking (required when standard input is not a terminal)')
    .option(
      '--adopt',
      'take over resources of the stack made by hand (no eks-kit:stack tag); never those of another stack',
    )
    .option('--prune', 'also delete resources tagged for the stack that the stack file no longer describes')
    .option('--no-wait', 'do not wait for certificates to be issued')
    .addOption(timeoutOption('how long to wait for certificates'))
    .option(...ALL_REGIONS_OPTION)
    .option(...REGIONS_OPTION)
    .addHelpText(
      'after',
      '\nExamples:\n  eks-kit apply\n  eks-kit apply --yes --no-wait   # in CI\n  eks-kit apply --prune --all-regions   # also delete the certificates left in regions the file no longer names',
    )
    .action(lazy(async () => (await import('./commands/apply.js')).applyCommand));

  program
    .command('destroy')
    .description('delete what the stack owns (tag eks-kit:stack), in reverse order; worker groups stay')
    .option(...FILE_OPTION)
    .option('-y, --yes', 'destroy without asking (required when standard input is not a terminal)')
    .option('--force-delete-images', 'delete repositories that still hold images, with their images')
    .option(...ALL_REGIONS_OPTION)
    .option(...REGIONS_OPTION)
    .addHelpText(
      'after',
      '\nExamples:\n  eks-kit destroy\n  eks-kit destroy --yes --json   # in CI\n  eks-kit destroy --all-regions   # certificates left in regions the file no longer names',
    )
    .action(lazy(async () => (await import('./commands/destroy.js')).destroyCommand));
}

/** The commands that report on the stack or write files from it: check, render. */
function addReportCommands(program: Command, lazy: LazyAction): void {
  program
    .command('check')
    .description('report findings for everything in the stack (exit 2 when any fails)')
    .option(...FILE_OPTION)
    .option(
      '--checker',
      "verify the deployed checks Lambda instead: its last run and its role's read actions",
    )
    .option('--checker-schedule <expression>', 'its schedule, for how old its last run may be')
    .option(...ALL_REGIONS_OPTION)
    .option(...REGIONS_OPTION)
    .addHelpText(
      'after',
      '\nExamples:\n  eks-kit check\n  eks-kit check --json\n  eks-kit check --all-regions   # orphans: also the certificates left in other regions\n  eks-kit check --checker --checker-schedule "rate(6 hours)"',
    )
    .action(lazy(async () => (await import('./commands/check.js')).checkCommand));

  program
    .command('render')
    .description('write helmfile.yaml, values/*.yaml, .gitlab-ci.yml and docker/config.json')
    .option(...FILE_OPTION)
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--force', 'overwrite files that eks-kit did not write or that were edited')
    .option('--account-id <id>', 'AWS account id (default: from STS GetCallerIdentity)', parseAccountId)
    .addHelpText(
      'after',
      '\nExample:\n  eks-kit render --out deploy && helmfile -f deploy/helmfile.yaml apply',
    )
    .action(lazy(async () => (await import('./commands/render.js')).renderCommand));
}

/** The `autoscaler` group and its subcommands; answers the group. */
function addAutoscalerCommands(program: Command, lazy: LazyAction): Command {
  const autoscaler = program
    .command('autoscaler')
    .description('Cluster Autoscaler: IAM, tags, values, checks, logs');
  const asg = (name: string, description: string) =>
    autoscaler
      .command(name)
      .description(description)
      .option(...FILE_OPTION);
  asg('policy', 'print the autoscaler IAM policy (JSON)')
    .option('--minimal', 'restrict writes to the selected groups by ARN instead of the tag condition')
    .action(lazy(async () => (await import('./commands/autoscaler.js')).autoscalerPolicy));
  asg('trust', 'print the autoscaler role trust policy (JSON)')
    .option('--account-id <id>', 'AWS account id (default: from STS)', parseAccountId)
    .action(lazy(async () => (await import('./commands/autoscaler.js')).autoscalerTrust));
  asg('tags', 'print the tags each worker group needs')
    .option(
      '--from-nodegroup',
      "read every group's node template from its EKS managed node group and launch template user data",
    )
    .action(lazy(async () => (await import('./commands/autoscaler.js')).autoscalerTags));
  asg('values', 'print the cluster-autoscaler Helm values (YAML; with --json, as JSON)')
    .option('--account-id <id>', 'AWS account id (default: from STS)', parseAccountId)
    .action(lazy(async () => (await import('./commands/autoscaler.js')).autoscalerValues));
  asg('verify', 'check groups, tags, role, trust and OIDC provider (exit 2 on failures)')
    .option(
      '--log <file>',
      'also read a cluster-autoscaler log (- for standard input): groups at max while pods are pending, zones',
    )
    .action(lazy(async () => (await import('./commands/autoscaler.js')).autoscalerVerify));
  asg('fit', 'would a pod with these requests fit a new node of each worker group?')
    .requiredOption('--cpu <quantity>', 'CPU request, e.g. 1500m')
    .option('--memory <quantity>', 'memory request, e.g. 2Gi', '0')
    .option('--instance-type <type...>', "instance types to check (default: the worker groups')")
    .option(
      '--vm-memory-overhead-percent <fraction>',
      "share of EC2's memory the VM keeps, 0 to below 1 (default 0.075, as Karpenter's vmMemoryOverheadPercent)",
      parseOverheadFraction,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  eks-kit autoscaler fit --cpu 1500m --memory 1Gi\n  eks-kit autoscaler fit --cpu 1 --memory 7Gi --instance-type m5.large --vm-memory-overhead-percent 0',
    )
    .action(lazy(async () => (await import('./commands/autoscaler.js')).autoscalerFit));
  autoscaler
    .command('logs')
    .description(
      'read cluster-autoscaler logs (klog text or JSON), live: scale-ups, scale-downs, diagnoses as they complete',
    )
    .argument('<file>', 'log file, or - for standard input')
    .addHelpText(
      'after',
      '\nExamples:\n  kubectl -n kube-system logs deploy/cluster-autoscaler | eks-kit autoscaler logs -\n  kubectl -n kube-system logs -f deploy/cluster-autoscaler | eks-kit autoscaler logs - --json   # one JSON object a line',
    )
    .action(lazy(async () => (await import('./commands/autoscaler.js')).autoscalerLogs));
  return autoscaler;
}

/** The `cert` group and its subcommands; answers the group. */
function addCertCommands(program: Command, lazy: LazyAction): Command {
  const cert = program.command('cert').description('ACM certificates validated through Route 53');
  const certCmd = (name: string, description: string) =>
    cert
      .command(name)
      .description(description)
      .option(...FILE_OPTION)
      .option('--domain <name>', 'only the certificate for this domain name');
  certCmd('request', "request (or reuse) the stack's certificates and write their validation records")
    .option('--dry-run', 'show what would change')
    .action(lazy(async () => (await import('./commands/cert.js')).certRequest));
  certCmd('status', "status, expiry and renewal of the stack's certificates").action(
    lazy(async () => (await import('./commands/cert.js')).certStatus),
  );
  certCmd('records', "the DNS validation records of the stack's certificates").action(
    lazy(async () => (await import('./commands/cert.js')).certRecords),
  );
  certCmd('wait', "wait until the stack's certificates are issued")
    .addOption(timeoutOption('give up after this many minutes'))
    .action(lazy(async () => (await import('./commands/cert.js')).certWait));
  certCmd('dns-policy', 'print the role policy and trust the DNS account must create (JSON)')
    .option(
      '--account-id <id>',
      'this stack account id, trusted by the role (default: from STS)',
      parseAccountId,
    )
    .action(lazy(async () => (await import('./commands/cert.js')).certDnsPolicy));
  return cert;
}

/** The `ecr` group and its subcommands; answers the group. */
function addEcrCommands(program: Command, lazy: LazyAction): Command {
  const ecr = program
    .command('ecr')
    .description('ECR for kaniko/BuildKit: login, docker config, repositories, push check, CI job');
  const ecrCmd = (name: string, description: string) =>
    ecr
      .command(name)
      .description(description)
      .option(...FILE_OPTION);
  ecrCmd('login', 'get a registry password (printed only with --password-stdout)')
    .option('--password-stdout', 'print the password on stdout, for docker login --password-stdin')
    .option('--registry <host>', "registry host (default: this account's in the stack region)")
    .addHelpText(
      'after',
      '\nExample:\n  eks-kit ecr login --password-stdout | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    )
    .action(lazy(async () => (await import('./commands/ecr.js')).ecrLogin));
  ecrCmd('docker-config', 'print a docker config.json using the ecr-login credential helper')
    .option('--account-id <id>', 'AWS account id (default: from STS)', parseAccountId)
    .action(lazy(async () => (await import('./commands/ecr.js')).ecrDockerConfig));
  ecrCmd('repo', "ensure the stack's repositories (and kaniko cache repositories)")
    .option('--dry-run', 'show what would change')
    .action(lazy(async () => (await import('./commands/ecr.js')).ecrRepo));
  ecrCmd('check-push', "reproduce kaniko's push check against the stack's repository and explain the outcome")
    .option('--repository <name>', 'repository (default: gitlab.repository)')
    .action(lazy(async () => (await import('./commands/ecr.js')).ecrCheckPush));
  ecrCmd('ci-job', 'print the .gitlab-ci.yml build job (YAML; with --json, as JSON)')
    .option('--account-id <id>', 'AWS account id (default: from STS)', parseAccountId)
    .action(lazy(async () => (await import('./commands/ecr.js')).ecrCiJob));
  return ecr;
}

/** The `helm` group and its subcommands; answers the group. */
function addHelmCommands(program: Command, lazy: LazyAction): Command {
  const helm = program
    .command('helm')
    .description('Helm values and helmfile for cluster-autoscaler and metrics-server');
  helm
    .command('values')
    .description('print the Helm values (YAML; with --json, as JSON)')
    .option(...FILE_OPTION)
    .addOption(
      new Option('--chart <chart>', 'which chart').choices(HELM_CHARTS).default('cluster-autoscaler'),
    )
    .option('--account-id <id>', 'AWS account id (default: from STS)', parseAccountId)
    .action(lazy(async () => (await import('./commands/helm.js')).helmValues));
  helm
    .command('helmfile')
    .description('print helmfile.yaml (with --json, as JSON)')
    .option(...FILE_OPTION)
    .action(lazy(async () => (await import('./commands/helm.js')).helmHelmfile));
  return helm;
}

/** A group's own action: refuse a missing or misspelt subcommand, naming the nearest one. */
function refuseMissingSubcommand(group: Command): void {
  // Runs only when no subcommand matched: none given, or a misspelt one (`ecr logn`), also with
  // options (`ecr logn --registry x`): the misspelt command is named, not the option (issue 17).
  group
    .allowExcessArguments(true)
    .allowUnknownOption(true)
    .action(async (_options: unknown, command: Command) => {
      const names = group.commands.map((c) => c.name());
      const typed = command.args.find((a) => !a.startsWith('-'));
      const nearest = typed === undefined ? undefined : nearestName(typed, names);
      throw new InvalidInputError(
        typed === undefined ? group.name() : `${group.name()} subcommand`,
        typed,
        `a subcommand: ${names.join(' | ')}`,
        nearest ? { hint: `did you mean eks-kit ${group.name()} ${nearest}?` } : {},
      );
    });
}

/** The whole command tree: the root with its global options, the commands, the groups. */
function buildProgram(
  writeErr: (text: string) => void,
  run: Runner,
  writeOut?: (text: string) => void,
): Command {
  const program = rootCommand(writeErr, writeOut);
  const lazy = lazyAction(run);
  addStackCommands(program, lazy);
  addReportCommands(program, lazy);
  const groups = [
    addAutoscalerCommands(program, lazy),
    addCertCommands(program, lazy),
    addEcrCommands(program, lazy),
    addHelmCommands(program, lazy),
  ];
  for (const group of groups) refuseMissingSubcommand(group);
  return program;
}

/** One command of the tree: its words after `eks-kit` and the long options it takes. */
export interface CommandSpec {
  path: string[];
  options: string[];
}

/**
 * Every command of the tree with its long options (global options included), for tests that check
 * the commands quoted in hints and READMEs exist.
 *
 * @example
 * ```ts
 * commandTree().find((c) => c.path.join(' ') === 'ecr login')?.options; // ['--password-stdout', ...]
 * ```
 */
export function commandTree(): CommandSpec[] {
  const program = buildProgram(
    () => {},
    async () => {},
  );
  const globals = program.options.map((o) => o.long).filter((o): o is string => !!o);
  const out: CommandSpec[] = [];
  const walk = (command: Command, path: string[]): void => {
    for (const sub of command.commands) {
      const here = [...path, sub.name()];
      const own = sub.options.flatMap((o) => [o.long, o.short]).filter((o): o is string => !!o);
      out.push({ path: here, options: [...new Set([...globals, ...own, '--help', '-h'])] });
      walk(sub, here);
    }
  };
  walk(program, []);
  return out;
}
