// The Lambda bundle's import time beside a "floor" bundle holding only the SDK clients it uses (goal <= 1.1x),
// and (issue 21) its import + first invocation on the seed stack beside the floor making the same calls: work
// moved from import to the first invocation shows in the second figure.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseStack, stackDigest } from '@eks-kit/stack';
import { build } from 'esbuild';
import { coldStarts, cpuCgroups, MB_PER_VCPU, PERIOD_US } from './cpu-share.mjs';
import { spawnEmulator } from './emulator.mjs';
import { median, ms, ratio } from './util.mjs';

// The SDK clients the checks Lambda uses (its checks plus SSM for the stack parameter, SNS for alerts, STS to assume roles, Organizations to list an organisation's accounts, S3 for a split run's batches and state).
const CLIENTS = {
  '@aws-sdk/client-acm': 'ACMClient',
  '@aws-sdk/client-auto-scaling': 'AutoScalingClient',
  '@aws-sdk/client-ec2': 'EC2Client',
  '@aws-sdk/client-ecr': 'ECRClient',
  '@aws-sdk/client-eks': 'EKSClient',
  '@aws-sdk/client-iam': 'IAMClient',
  '@aws-sdk/client-organizations': 'OrganizationsClient',
  '@aws-sdk/client-resource-groups-tagging-api': 'ResourceGroupsTaggingAPIClient',
  '@aws-sdk/client-route-53': 'Route53Client',
  '@aws-sdk/client-s3': 'S3Client',
  '@aws-sdk/client-sns': 'SNSClient',
  '@aws-sdk/client-ssm': 'SSMClient',
  '@aws-sdk/client-sts': 'STSClient',
};

export async function run({ quick, root }) {
  const lambda = join(root, 'apps/checks-lambda/dist/index.mjs');
  if (!existsSync(lambda)) throw new Error(`build the Lambda first: ${lambda} is missing`);
  // The function's code: index.mjs and the chunks it loads (not stack-loader.mjs, a validator
  // without the SDK, loaded only for an edited stack).
  const codeDir = dirname(lambda);
  const text = readdirSync(codeDir)
    .filter((f) => f.endsWith('.mjs') && f !== 'stack-loader.mjs')
    .map((f) => readFileSync(join(codeDir, f), 'utf8'))
    .join('\n');
  // Only clients the bundle really contains count towards the floor.
  const used = Object.entries(CLIENTS).filter(([, cls]) => text.includes(cls));
  const dir = mkdtempSync(join(tmpdir(), 'eks-kit-floor-'));
  const entry = join(dir, 'floor.mjs');
  writeFileSync(
    entry,
    `${used.map(([pkg, cls], i) => `import { ${cls} as C${i} } from '${pkg}';`).join('\n')}\nexport const clients = [${used.map((_, i) => `C${i}`).join(', ')}];\n`,
  );
  const floorOut = join(dir, 'floor.bundle.mjs');
  // Build the floor the way the Lambda is built (ESM builds of the SDK, the same SDK schema and
  // browser-stub plugins), so it holds the clients and nothing else, not the clients whole.
  const plugins = await lambdaBuildPlugins(root, dir);
  const floor = await buildLikeTheLambda({ root, plugins, entry, outfile: floorOut });
  // The same clients with the commands the function's code sends: a client without its commands
  // checks nothing, and a command's schemas live in the service's one schema file (issue 21).
  const commands = commandsOfFunction(root, text, used);
  const commandsEntry = join(dir, 'floor-commands.mjs');
  writeFileSync(
    commandsEntry,
    `${used.map(([pkg, cls], i) => `import { ${cls} as C${i} } from '${pkg}';`).join('\n')}\n${commands
      .map(([pkg, cmd], i) => `import { ${cmd} as K${i} } from '${pkg}';`)
      .join(
        '\n',
      )}\nexport const clients = [${used.map((_, i) => `C${i}`).join(', ')}];\nexport const commands = [${commands
      .map((_, i) => `K${i}`)
      .join(', ')}];\n`,
  );
  const floorCommands = await buildLikeTheLambda({
    root,
    plugins,
    entry: commandsEntry,
    outfile: join(dir, 'floor-commands.bundle.mjs'),
  });
  // The same, with the logging library the function imports at INIT (Powertools Logger: the project's
  // rules ask for a well-kept library for Lambda logging): what is left above it is eks-kit's own code.
  const loggerEntry = join(dir, 'floor-logger.mjs');
  writeFileSync(
    loggerEntry,
    `${readFileSync(commandsEntry, 'utf8')}import { Logger } from '@aws-lambda-powertools/logger';\nexport const logger = Logger;\n`,
  );
  const floorLogger = await buildLikeTheLambda({
    root,
    plugins,
    entry: loggerEntry,
    outfile: join(dir, 'floor-logger.bundle.mjs'),
  });
  const importOf = (file) => ({
    cmd: process.execPath,
    args: ['--input-type=module', '-e', timedScript(`await import(${JSON.stringify(file)});`)],
  });
  // 41 rounds: the import-only medians of five commands moved by 3-5% between runs at 21 (issue 21).
  const rounds = quick ? 5 : 41;
  const [node, floorRun, commandsRun, loggerRun, lambdaRun] = interleavedInside(
    [
      { cmd: process.execPath, args: ['-e', '0'] },
      importOf(floor),
      importOf(floorCommands),
      importOf(floorLogger),
      importOf(lambda),
    ],
    rounds,
  );
  const [nodeMs, floorMs, lambdaMs] = [node.wall, floorRun.wall, lambdaRun.wall];
  const first = await firstInvocation({
    root,
    dir,
    used,
    plugins,
    lambda,
    rounds: quick ? 3 : 9,
    initImports: readFileSync(loggerEntry, 'utf8'),
  });
  return {
    rows: [
      { what: 'node -e 0', median: ms(nodeMs), 'above node -e 0': '-', 'in process': '-', cpu: '-' },
      timeRow(`floor: ${used.length} SDK clients only`, floorRun, nodeMs),
      timeRow(
        `floor: the same clients + the ${commands.length} commands the function's code sends`,
        commandsRun,
        nodeMs,
      ),
      timeRow(
        'floor: the same clients and commands + Powertools Logger (imported, as the function does)',
        loggerRun,
        nodeMs,
      ),
      timeRow('checks Lambda (index.mjs and the chunks it imports)', lambdaRun, nodeMs),
      ratioRow('Lambda / floor (import only; goal <= 1.10x)', lambdaRun, floorRun, nodeMs),
      ratioRow('Lambda / floor with the commands (import only)', lambdaRun, commandsRun, nodeMs),
      ratioRow('Lambda / floor with the commands and the Logger (import only)', lambdaRun, loggerRun, nodeMs),
      ...first.rows,
    ],
    clients: used.map(([pkg]) => pkg),
    mediansMs: {
      node: nodeMs,
      floor: floorMs,
      lambda: lambdaMs,
      floorInside: floorRun.inside,
      floorCommands: commandsRun.wall,
      floorCommandsInside: commandsRun.inside,
      floorCpu: floorRun.cpu,
      floorCommandsCpu: commandsRun.cpu,
      floorLogger: loggerRun.wall,
      floorLoggerInside: loggerRun.inside,
      floorLoggerCpu: loggerRun.cpu,
      lambdaCpu: lambdaRun.cpu,
      lambdaInside: lambdaRun.inside,
      ...first.mediansMs,
    },
    ratio: (lambdaMs - nodeMs) / (floorMs - nodeMs),
    ratioInside: lambdaRun.inside / floorRun.inside,
    commands: commands.length,
    ratioCommands: (lambdaMs - nodeMs) / (commandsRun.wall - nodeMs),
    ratioCommandsInside: lambdaRun.inside / commandsRun.inside,
    ratioCpu: lambdaRun.cpu / floorRun.cpu,
    ratioCommandsCpu: lambdaRun.cpu / commandsRun.cpu,
    ratioLogger: (lambdaMs - nodeMs) / (loggerRun.wall - nodeMs),
    ratioLoggerInside: lambdaRun.inside / loggerRun.inside,
    ratioLoggerCpu: lambdaRun.cpu / loggerRun.cpu,
    firstInvocationRatio: first.ratio,
    firstInvocationRatioInside: first.ratioInside,
    firstInvocationCalls: first.calls,
  };
}

/**
 * The SDK commands the function's code sends: every `XCommand` that eks-kit's sources import from a
 * client package the floor holds, kept when the function's text names its operation (tree shaking
 * dropped the others). Answers [package, command] pairs.
 */
function commandsOfFunction(root, text, used) {
  const packages = new Set(used.map(([pkg]) => pkg));
  const found = new Map();
  const sources = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.ts')) sources.push(join(d, e.name));
    }
  };
  for (const d of readdirSync(join(root, 'packages'))) {
    if (d !== 'aws-emulator' && existsSync(join(root, 'packages', d, 'src')))
      walk(join(root, 'packages', d, 'src'));
  }
  walk(join(root, 'apps/checks-lambda/src'));
  // Static imports, and the `await import()` of a command where a call sends it (asg-discovery,
  // iam-policies, core: issue 21), which the function's build makes static again.
  const dynamic = (text) => [
    ...[...text.matchAll(/const \{([^}]*)\} = await import\('(@aws-sdk\/client-[a-z0-9-]+)'\)/g)].map((m) => [
      m[1],
      m[2],
    ]),
    ...[...text.matchAll(/\(await import\('(@aws-sdk\/client-[a-z0-9-]+)'\)\)\.(\w+)/g)].map((m) => [
      m[2],
      m[1],
    ]),
  ];
  for (const file of sources) {
    for (const [names, pkg] of dynamic(readFileSync(file, 'utf8'))) {
      if (!packages.has(pkg)) continue;
      for (const raw of names.split(',')) {
        const name = raw.trim();
        if (/^[A-Z]\w*Command$/.test(name) && text.includes(`"${name.slice(0, -'Command'.length)}"`))
          found.set(`${pkg} ${name}`, [pkg, name]);
      }
    }
    for (const m of readFileSync(file, 'utf8').matchAll(
      /import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g,
    )) {
      if (!packages.has(m[2])) continue;
      for (const raw of m[1].split(',')) {
        const name = raw.trim();
        if (!/^[A-Z]\w*Command$/.test(name)) continue;
        if (text.includes(`"${name.slice(0, -'Command'.length)}"`))
          found.set(`${m[2]} ${name}`, [m[2], name]);
      }
    }
  }
  return [...found.values()].sort((a, b) => a.join().localeCompare(b.join()));
}

/** A row of one command's medians: wall, wall above `node -e 0`, inside the process, CPU. */
function timeRow(what, run, nodeMs) {
  return {
    what,
    median: ms(run.wall),
    'above node -e 0': ms(run.wall - nodeMs),
    'in process': ms(run.inside),
    cpu: ms(run.cpu),
  };
}

/** A row of the ratios of two commands' medians (`run` over `floor`), in the columns of {@link timeRow}. */
function ratioRow(what, run, floor, nodeMs) {
  return {
    what,
    median: '-',
    'above node -e 0': ratio(run.wall - nodeMs, floor.wall - nodeMs),
    'in process': ratio(run.inside, floor.inside),
    cpu: ratio(run.cpu, floor.cpu),
  };
}

/** A child script that runs `body` and prints how long it took, measured inside the process. */
function timedScript(body) {
  return `const t0 = performance.now();\nconst c0 = process.cpuUsage();\n${body}\nconst c1 = process.cpuUsage(c0);\nprocess.stdout.write('\\nELAPSED ' + (performance.now() - t0) + ' CPU ' + (c1.user + c1.system) / 1000 + '\\n');`;
}

/**
 * Run commands interleaved (A B C A B C ...) `rounds` times: the median wall time of each (process
 * start to exit, as util.mjs's interleaved) and the median of the time it printed (`ELAPSED ms`,
 * measured inside the process: no process start or exit, so less noise on a shared machine).
 */
function interleavedInside(commands, rounds) {
  const wall = commands.map(() => []);
  const inside = commands.map(() => []);
  const cpu = commands.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (const [j, c] of commands.entries()) {
      const start = process.hrtime.bigint();
      const r = spawnSync(c.cmd, c.args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        ...c.options,
      });
      wall[j].push(Number(process.hrtime.bigint() - start) / 1e6);
      if (r.status !== 0) throw new Error(`${c.cmd} ${c.args.join(' ')} exited ${r.status}: ${r.stderr}`);
      const elapsed = /\nELAPSED ([\d.]+) CPU ([\d.]+)\n/.exec(r.stdout);
      if (elapsed) {
        inside[j].push(Number(elapsed[1]));
        cpu[j].push(Number(elapsed[2]));
      }
    }
  }
  return commands.map((_, j) => ({
    wall: median(wall[j]),
    inside: inside[j].length > 0 ? median(inside[j]) : Number.NaN,
    cpu: cpu[j].length > 0 ? median(cpu[j]) : Number.NaN,
  }));
}

/** The checks' state parameter of the first-invocation runs (the deployed function always has one). */
const STATE_PARAMETER = '/eks-kit/seed/checks-state';

/** The SDK package of each signing name the emulator logs. */
const SERVICE_PACKAGES = {
  acm: '@aws-sdk/client-acm',
  autoscaling: '@aws-sdk/client-auto-scaling',
  ec2: '@aws-sdk/client-ec2',
  ecr: '@aws-sdk/client-ecr',
  eks: '@aws-sdk/client-eks',
  iam: '@aws-sdk/client-iam',
  organizations: '@aws-sdk/client-organizations',
  route53: '@aws-sdk/client-route-53',
  s3: '@aws-sdk/client-s3',
  sns: '@aws-sdk/client-sns',
  ssm: '@aws-sdk/client-ssm',
  sts: '@aws-sdk/client-sts',
};

/**
 * Import + first invocation, each in a fresh process against an emulator (its own process, the seed
 * world): the Lambda bundle running the handler on the seed stack as the deploy template stores it
 * (JSON and its digest), beside the floor: the same SDK clients, and the same calls (the operations the
 * handler made, with the key inputs the emulator logs), every answer parsed by the SDK and dropped: all sent
 * at once (no call waits for another, which the handler's cannot all do: the strict floor), and 4 at a time
 * (the handler's default check concurrency).
 */
async function firstInvocation({ root, dir, used, plugins, lambda, rounds, initImports }) {
  // The seed world with the state parameter the deploy template always gives the function (its
  // CheckStateParameter, '{}' until the first run): every run reads the previous state and writes its own.
  const world = JSON.parse(readFileSync(join(root, 'examples/seed/world.json'), 'utf8'));
  const worldFile = join(dir, 'world.json');
  writeFileSync(
    worldFile,
    JSON.stringify({ ...world, ssm: { parameters: [{ name: STATE_PARAMETER, value: '{}' }] } }),
  );
  // Speed 1000: its rate quotas run in emulated time, so ACM's ListCertificates 1/s does not make one
  // run wait for (or throttle) the run before it, which would time the quota, not the code.
  const emulator = await spawnEmulator(root, worldFile);
  try {
    const url = emulator.url;
    const region = world.region ?? 'ap-northeast-1';
    const json = JSON.stringify(parseStack(readFileSync(join(root, 'examples/seed/eks-kit.yaml'), 'utf8')));
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: region,
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      EKS_KIT_STATE_PARAMETER: STATE_PARAMETER,
    };
    const invoke = {
      cmd: process.execPath,
      args: [
        '--input-type=module',
        '-e',
        timedScript(`const { handler } = await import(${JSON.stringify(lambda)});
const s = await handler({}, { getRemainingTimeInMillis: () => 300000 });
if (s.checkErrors !== 0) throw new Error('check errors: ' + s.checkErrors);`),
      ],
      options: { env: { ...env, EKS_KIT_STACK: json, EKS_KIT_STACK_SHA256: stackDigest(json) } },
    };
    // One run to learn the calls (the seed world is read only: every run makes the same ones).
    const control = `${url}/_emulator/calls`;
    await fetch(control, { method: 'DELETE' });
    interleavedInside([invoke], 1);
    const logged = await (await fetch(control)).json();
    const calls = (logged.calls ?? logged).map((c) => ({
      service: c.service,
      operation: c.operation,
      input: c.input,
    }));
    const unknown = calls.filter((c) => !SERVICE_PACKAGES[c.service]);
    if (unknown.length > 0) throw new Error(`no SDK package for ${unknown.map((c) => c.service).join(', ')}`);
    const callsFile = join(dir, 'calls.json');
    writeFileSync(callsFile, JSON.stringify(calls));
    const floorCalls = await buildFloorWithCalls({ root, dir, used, plugins, calls });
    const replay = (lanes) => ({
      cmd: process.execPath,
      args: [
        '--input-type=module',
        '-e',
        timedScript(`await (await import(${JSON.stringify(floorCalls)})).run();`),
      ],
      options: { env: { ...env, EKS_KIT_BENCH_CALLS: callsFile, EKS_KIT_BENCH_LANES: String(lanes) } },
    });
    const [node, floorRun, floor4Run, lambdaRun] = interleavedInside(
      [{ cmd: process.execPath, args: ['-e', '0'] }, replay(calls.length), replay(4), invoke],
      rounds,
    );
    const [nodeMs, floorMs, lambdaMs] = [node.wall, floorRun.wall, lambdaRun.wall];
    const count = (list) => list.length;
    const share = await underCpuShare({
      root,
      dir,
      lambda,
      url,
      lambdaEnv: invoke.options.env,
      floor: { file: floorCalls, env: replay(4).options.env },
      initImports,
      rounds: Math.max(3, rounds - 2),
    });
    return {
      rows: [
        timeRow(
          `floor: the same clients + the same ${count(calls)} calls (all at once), import + calls`,
          floorRun,
          nodeMs,
        ),
        timeRow(
          `floor, the same ${count(calls)} calls 4 at a time (the handler's check concurrency)`,
          floor4Run,
          nodeMs,
        ),
        timeRow('checks Lambda: import + first invocation (seed stack, deployed JSON)', lambdaRun, nodeMs),
        ratioRow(
          'Lambda / floor (import + first invocation, calls all at once)',
          lambdaRun,
          floorRun,
          nodeMs,
        ),
        ratioRow(
          'Lambda / floor (import + first invocation, calls 4 at a time)',
          lambdaRun,
          floor4Run,
          nodeMs,
        ),
        ...share.rows,
      ],
      cpuShare: share.figures,
      mediansMs: {
        nodeFirst: nodeMs,
        floorFirst: floorMs,
        lambdaFirst: lambdaMs,
        floorFirstInside: floorRun.inside,
        floorFirst4: floor4Run.wall,
        floorFirst4Inside: floor4Run.inside,
        lambdaFirstInside: lambdaRun.inside,
      },
      ratio: (lambdaMs - nodeMs) / (floorMs - nodeMs),
      ratioInside: lambdaRun.inside / floorRun.inside,
      ratioCpu: lambdaRun.cpu / floorRun.cpu,
      ratio4Cpu: lambdaRun.cpu / floor4Run.cpu,
      calls: count(calls),
    };
  } finally {
    emulator.stop();
  }
}

/**
 * Import + first invocation under Lambda's CPU share for the function's memory (the deploy template's
 * MemorySize; bench/cases/cpu-share.mjs), in a Linux CPU cgroup: the function as built, beside the floor
 * (the same clients and calls, 4 at a time) and two builds that place the same code otherwise: every
 * file imported at INIT (`index.mjs`, then the checks' code awaited at the top of a wrapper), and the
 * SDK clients each loaded at its first use (EKS_KIT_LAMBDA_CLIENTS=lazy: the smallest import). Three
 * settings: the import unthrottled (as measured on Lambda in 2023) and the invocation at the share; both at
 * the share (AWS documents no exception for INIT); the first with 30 ms added to every AWS call.
 */
async function underCpuShare({ root, dir, lambda, url, lambdaEnv, floor, initImports, rounds }) {
  const template = readFileSync(join(root, 'apps/checks-lambda/src/template/deploy-template.ts'), 'utf8');
  const memoryMb = Number(/MemorySize: (\d+)/.exec(template)?.[1]);
  const groups = cpuCgroups(memoryMb);
  const label = `${memoryMb} MB = ${((memoryMb / MB_PER_VCPU) * 100).toFixed(0)}% of a CPU`;
  if (!groups.available) {
    return {
      rows: [
        {
          what: `under Lambda's CPU share (${label}): not measured (${groups.why}; needs root and a cpu cgroup)`,
          median: '-',
          'above node -e 0': '-',
          'in process': '-',
          cpu: '-',
        },
      ],
      figures: { memoryMb, skipped: groups.why },
    };
  }
  try {
    // The same function placed otherwise: all at INIT (a wrapper awaiting the checks' code), clients lazy.
    const eagerDir = join(dir, 'eager');
    mkdirSync(eagerDir, { recursive: true });
    const built = dirname(lambda);
    for (const f of readdirSync(built).filter((n) => n.endsWith('.mjs')))
      copyFileSync(join(built, f), join(eagerDir, f));
    const checksFile = readdirSync(built).find((n) => /^run-checks-[\w-]+\.mjs$/.test(n));
    if (!checksFile) throw new Error(`no run-checks-*.mjs beside ${lambda}`);
    writeFileSync(
      join(eagerDir, 'eager.mjs'),
      `export { handler } from './index.mjs';\nawait import('./${checksFile}');\n`,
    );
    const lazyDir = join(dir, 'lazy');
    const tsup = spawnSync(join(root, 'node_modules/.bin/tsup'), [], {
      cwd: join(root, 'apps/checks-lambda'),
      env: { ...process.env, EKS_KIT_LAMBDA_CLIENTS: 'lazy', EKS_KIT_LAMBDA_OUT_DIR: lazyDir },
      encoding: 'utf8',
    });
    if (tsup.status !== 0)
      throw new Error(`the lazy-clients build failed: ${tsup.error?.message ?? tsup.stderr.slice(-400)}`);
    // eks-kit's own code at the first invocation: INIT imports what the floor with the Logger imports (the
    // clients, the commands the code sends, Powertools Logger) and nothing of eks-kit; the handler module
    // is imported by the first invocation (EKS_KIT_LAMBDA_ENTRY). It imports more commands at INIT than
    // the function as built (whose checks' commands come with the checks' code).
    const deferredDir = join(dir, 'deferred');
    const deferredEntry = join(dir, 'deferred-entry.mjs');
    writeFileSync(
      deferredEntry,
      `${initImports}let loaded;\nexport const handler = async (event, context) => (await (loaded ??= import(${JSON.stringify(
        join(root, 'apps/checks-lambda/src/handler.ts'),
      )}))).handler(event, context);\n`,
    );
    const deferred = spawnSync(join(root, 'node_modules/.bin/tsup'), [], {
      cwd: join(root, 'apps/checks-lambda'),
      env: { ...process.env, EKS_KIT_LAMBDA_ENTRY: deferredEntry, EKS_KIT_LAMBDA_OUT_DIR: deferredDir },
      encoding: 'utf8',
    });
    if (deferred.status !== 0)
      throw new Error(
        `the deferred-handler build failed: ${deferred.error?.message ?? deferred.stderr.slice(-400)}`,
      );
    const variants = [
      { name: 'floor', file: floor.file, kind: 'run', env: floor.env },
      { name: 'as built', file: lambda, kind: 'handler', env: lambdaEnv },
      { name: 'all at INIT', file: join(eagerDir, 'eager.mjs'), kind: 'handler', env: lambdaEnv },
      { name: 'clients lazy', file: join(lazyDir, 'index.mjs'), kind: 'handler', env: lambdaEnv },
      {
        name: "eks-kit's code at the first invocation",
        file: join(deferredDir, 'index.mjs'),
        kind: 'handler',
        env: lambdaEnv,
      },
      // The async hooks that one AsyncLocalStorage context turns on (the checks had two until c12c3c5).
      {
        name: 'as built, async hooks on',
        file: lambda,
        kind: 'handler',
        env: { ...lambdaEnv, EKS_KIT_BENCH_ASYNC_CONTEXT: '1' },
      },
    ];
    // speed 1000 (spawnEmulator): 30 ms of real time are 30,000 emulated ms.
    const faults = (latencyMs) => () =>
      fetch(`${url}/_emulator/faults`, {
        method: 'POST',
        body: JSON.stringify(latencyMs > 0 ? [{ kind: 'latency', latencyMs: latencyMs * 1000 }] : []),
      });
    const settings = [
      { name: 'INIT unthrottled', initGroup: groups.free, invokeGroup: groups.share, before: faults(0) },
      { name: 'INIT at the share', initGroup: groups.share, invokeGroup: groups.share, before: faults(0) },
      {
        name: 'INIT unthrottled, 30 ms/call',
        initGroup: groups.free,
        invokeGroup: groups.share,
        before: faults(30),
      },
    ];
    // The emulator's added latency goes, whatever happened (a cold start that failed included).
    const results = await coldStarts({ variants, settings, rounds }).finally(() =>
      faults(0)().catch(() => undefined),
    );
    const rows = [];
    for (const setting of settings) {
      const of = (v) => results.find((r) => r.setting === setting.name && r.variant === v);
      const base = of('floor');
      for (const v of variants) {
        const r = of(v.name);
        rows.push({
          what: `${label}, ${setting.name}: ${v.name} (INIT ${ms(r.init)} + invocation ${ms(r.invoke)})`,
          median: ms(r.total),
          'above node -e 0': v.name === 'floor' ? '-' : `${ratio(r.total, base.total)} of the floor`,
          'in process': '-',
          cpu: ms(r.cpu),
        });
      }
    }
    return { rows, figures: { memoryMb, quotaUs: groups.quotaUs, periodUs: PERIOD_US, rounds, results } };
  } finally {
    groups.remove();
  }
}

/** The floor bundle plus the commands of `calls` and a runner sending them (file of calls: $EKS_KIT_BENCH_CALLS). */
async function buildFloorWithCalls({ root, dir, used, plugins, calls }) {
  const entry = join(dir, 'floor-calls.mjs');
  const ops = [...new Set(calls.map((c) => `${c.service} ${c.operation}`))].map((k) => k.split(' '));
  const lines = [];
  const clientOf = {};
  for (const [i, [pkg, cls]] of used.entries()) lines.push(`import { ${cls} as C${i} } from '${pkg}';`);
  for (const [service, pkg] of Object.entries(SERVICE_PACKAGES)) {
    const i = used.findIndex(([p]) => p === pkg);
    if (i !== -1) clientOf[service] = `C${i}`;
  }
  const commandOf = {};
  for (const [j, [service, operation]] of ops.entries()) {
    lines.push(`import { ${operation}Command as K${j} } from '${SERVICE_PACKAGES[service]}';`);
    commandOf[`${service} ${operation}`] = `K${j}`;
  }
  lines.push(
    "import { readFileSync } from 'node:fs';",
    `const clientClasses = { ${Object.entries(clientOf)
      .map(([s, c]) => `${JSON.stringify(s)}: ${c}`)
      .join(', ')} };`,
    `const commands = { ${Object.entries(commandOf)
      .map(([k, c]) => `${JSON.stringify(k)}: ${c}`)
      .join(', ')} };`,
    // run(): the calls (the invocation); importing the file is the import (the Lambda's init).
    'export async function run() {',
    '  const calls = JSON.parse(readFileSync(process.env.EKS_KIT_BENCH_CALLS, "utf8"));',
    '  const clients = {};',
    '  const clientFor = (s) => (clients[s] ??= new clientClasses[s]({ maxAttempts: 1 }));',
    '  const lanes = Number(process.env.EKS_KIT_BENCH_LANES) || calls.length;',
    '  let next = 0;',
    '  async function lane() {',
    '    while (next < calls.length) {',
    '      const c = calls[next++];',
    '      const Command = commands[c.service + " " + c.operation];',
    '      await clientFor(c.service).send(new Command(c.input)).catch(() => undefined);',
    '    }',
    '  }',
    '  await Promise.all(Array.from({ length: lanes }, lane));',
    '  for (const c of Object.values(clients)) c.destroy();',
    '}',
  );
  writeFileSync(entry, `${lines.join('\n')}\n`);
  return buildLikeTheLambda({ root, plugins, entry, outfile: join(dir, 'floor-calls.bundle.mjs') });
}

/** The Lambda's SDK-related esbuild plugins (TypeScript in tools/esbuild-plugins), compiled for this run. */
/**
 * A floor bundle built as the Lambda is (ESM builds of the SDK, its plugins, minified, split as
 * apps/checks-lambda/tsup.config.ts splits: the SDK's own lazy imports, such as the SSO credential
 * providers, stay files loaded only when used). Answers the entry's file.
 */
async function buildLikeTheLambda({ root, plugins, entry, outfile }) {
  await build({
    mainFields: ['module', 'main'],
    plugins,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    splitting: true,
    outdir: outfile.replace(/\.mjs$/, ''),
    entryNames: 'index',
    outExtension: { '.js': '.mjs' },
    nodePaths: [join(root, 'packages/core/node_modules'), join(root, 'apps/checks-lambda/node_modules')],
    logLevel: 'silent',
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  });
  return join(outfile.replace(/\.mjs$/, ''), 'index.mjs');
}

async function lambdaBuildPlugins(root, dir) {
  const out = join(dir, 'plugins.mjs');
  writeFileSync(
    join(dir, 'plugins-entry.ts'),
    [
      `export { sdkSchemaConstantKeys } from ${JSON.stringify(join(root, 'tools/esbuild-plugins/src/sdk-schema-constant-keys.ts'))};`,
      `export { browserOnlyStubs } from ${JSON.stringify(join(root, 'tools/esbuild-plugins/src/browser-only-stubs.ts'))};`,
    ].join('\n'),
  );
  await build({
    entryPoints: [join(dir, 'plugins-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'silent',
    packages: 'external',
  });
  const mod = await import(out);
  return [mod.sdkSchemaConstantKeys, mod.browserOnlyStubs];
}
