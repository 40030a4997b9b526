#!/usr/bin/env node
// API reports: one Markdown file per public entry point, `<workspace>/api/<name>.api.md`, listing every
// declaration of the entry's built .d.ts (comments removed, sorted by name). The committed report is the
// package's public API: an accidental export, a removed name or a changed signature shows as a diff in
// review, and `--check` (run by `pnpm test`, so by CI) fails until the report is regenerated.
//
//   node scripts/api-report.mjs --check     compare the built .d.ts with the committed reports (exit 1 on a diff)
//   node scripts/api-report.mjs --update    rewrite the reports (`pnpm api:update` builds first, then runs this)
//   node scripts/api-report.mjs --render <file.d.ts>   print the report of one .d.ts
//
// Entry points: every workspace under packages/, apps/ and tools/ whose package.json `exports` gives a
// `types` file (`.` -> api/<name>.api.md, `./sub` -> api/<name>-sub.api.md; <name> without `@eks-kit/`).
// Written with the TypeScript compiler API instead of @microsoft/api-extractor: the reports read the
// single .d.ts tsup already bundles, so no extra dependency or per-package configuration is needed.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const repoRoot = new URL('..', import.meta.url).pathname;

/** Workspace folders under `root` that may publish an entry point. */
function workspaces(root) {
  return ['packages', 'apps', 'tools'].flatMap((dir) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir))
          .sort()
          .map((name) => join(root, dir, name))
          .filter((ws) => existsSync(join(ws, 'package.json')))
      : [],
  );
}

/** `{ report, dts }` for each exported entry of one workspace that names a `types` file. */
export function entryPoints(ws) {
  const pkg = JSON.parse(readFileSync(join(ws, 'package.json'), 'utf8'));
  const short = pkg.name.replace(/^@[^/]+\//, '');
  const out = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== 'object' || target === null || typeof target.types !== 'string') continue;
    const suffix = subpath === '.' ? '' : `-${subpath.replace(/^\.\//, '').replaceAll('/', '-')}`;
    out.push({
      name: pkg.name + (subpath === '.' ? '' : subpath.slice(1)),
      report: join(ws, 'api', `${short}${suffix}.api.md`),
      dts: join(ws, target.types),
    });
  }
  return out;
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** The name a top-level statement declares (for sorting), or '' for statements without one. */
function declaredName(st) {
  if (ts.isVariableStatement(st))
    return st.declarationList.declarations.map((d) => d.name.getText()).join(',');
  if (st.name && ts.isIdentifier(st.name)) return st.name.text;
  if (ts.isModuleDeclaration(st)) return st.name.getText();
  return '';
}

/** An export name without its `type ` marker. */
const bare = (name) => name.replace(/^type /, '');

/** One import of the .d.ts with its names sorted, so that the bundler's order does not churn the report. */
function importLine(st, sf) {
  const from = st.moduleSpecifier.getText(sf);
  const bindings = st.importClause?.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings) || st.importClause.name) {
    return printer.printNode(ts.EmitHint.Unspecified, st, sf);
  }
  const names = bindings.elements.map((el) => el.getText(sf)).sort();
  return `import ${st.importClause.isTypeOnly ? 'type ' : ''}{ ${names.join(', ')} } from ${from};`;
}

/** Renders the report text of one bundled .d.ts. */
export function renderReport(name, dtsText) {
  const sf = ts.createSourceFile('index.d.ts', dtsText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports = [];
  const exported = new Map(); // local name -> exported names
  const reexports = [];
  const declarations = [];
  sf.statements.forEach((st, index) => {
    if (ts.isImportDeclaration(st)) {
      imports.push(importLine(st, sf));
    } else if (ts.isExportDeclaration(st)) {
      const from = st.moduleSpecifier ? ` from ${st.moduleSpecifier.getText(sf)}` : '';
      if (!st.exportClause || !ts.isNamedExports(st.exportClause)) {
        reexports.push(printer.printNode(ts.EmitHint.Unspecified, st, sf));
        return;
      }
      for (const el of st.exportClause.elements) {
        const local = (el.propertyName ?? el.name).text;
        const typeOnly = st.isTypeOnly || el.isTypeOnly;
        if (from)
          reexports.push(
            `export { ${typeOnly ? 'type ' : ''}${local}${local === el.name.text ? '' : ` as ${el.name.text}`} }${from};`,
          );
        else
          exported.set(local, [...(exported.get(local) ?? []), `${typeOnly ? 'type ' : ''}${el.name.text}`]);
      }
    } else if (ts.isExportAssignment(st)) {
      reexports.push(printer.printNode(ts.EmitHint.Unspecified, st, sf));
    } else {
      declarations.push({
        name: declaredName(st),
        index,
        text: printer.printNode(ts.EmitHint.Unspecified, st, sf),
      });
    }
  });
  declarations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.index - b.index));
  const exportedNames = [...exported.values()].flat();
  const lines = [
    `# API report: ${name}`,
    '',
    '> Written by `pnpm api:update` (scripts/api-report.mjs) from the built .d.ts; do not edit by hand.',
    '> A diff here is a change to the public API: review it like code.',
    '',
    `## Exported names (${exportedNames.length + reexports.length})`,
    '',
    '```ts',
    ...[...exported.entries()]
      .flatMap(([local, names]) => names.map((n) => (bare(n) === local ? n : `${n} (declared as ${local})`)))
      .sort((a, b) => (bare(a) < bare(b) ? -1 : bare(a) > bare(b) ? 1 : 0)),
    ...reexports.sort(),
    '```',
    '',
    '## Declarations',
    '',
    "Every declaration the entry point's types reach, exported or not (a type a signature uses is part of the API).",
    '',
    '```ts',
    ...imports.sort(),
    ...(imports.length ? [''] : []),
    ...declarations.map((d) => {
      const names = d.name.split(',').flatMap((n) => (exported.get(n) ?? []).map(bare));
      if (names.length === 0) return `// not exported\n${d.text}\n`;
      return names.every((n) => d.name.split(',').includes(n))
        ? `export ${d.text}\n`
        : `// exported as ${names.join(', ')}\n${d.text}\n`;
    }),
    '```',
    '',
  ];
  return lines.join('\n');
}

/**
 * Runs the script in this process: `argv` as on the command line (`--root <dir>` runs on another tree
 * with the same layout; the script's own test uses a temporary one), lines to `print` / `printError`.
 * Returns the exit code. The test calls this directly so TypeScript loads once, not once per run.
 */
export function runApiReports(argv, print = console.log, printError = console.error) {
  const rootArg = argv.indexOf('--root');
  const root = rootArg >= 0 ? argv[rootArg + 1] : repoRoot;
  const renderArg = argv.indexOf('--render');
  if (renderArg >= 0) {
    print(renderReport('(file)', readFileSync(argv[renderArg + 1], 'utf8')).replace(/\n$/, ''));
    return 0;
  }
  const mode = argv.includes('--update') ? 'update' : argv.includes('--check') ? 'check' : undefined;
  if (!mode) {
    printError('usage: node scripts/api-report.mjs --check | --update [--root <dir>] | --render <file.d.ts>');
    return 2;
  }
  const problems = [];
  const written = new Set();
  for (const ws of workspaces(root)) {
    for (const entry of entryPoints(ws)) {
      const rel = relative(root, entry.report);
      if (!existsSync(entry.dts)) {
        problems.push(`${rel}: ${relative(root, entry.dts)} is missing (run \`pnpm build\` first)`);
        continue;
      }
      const text = renderReport(entry.name, readFileSync(entry.dts, 'utf8'));
      written.add(entry.report);
      const committed = existsSync(entry.report) ? readFileSync(entry.report, 'utf8') : undefined;
      if (committed === text) continue;
      if (mode === 'update') {
        mkdirSync(dirname(entry.report), { recursive: true });
        writeFileSync(entry.report, text);
        print(`api report written: ${rel}`);
      } else {
        problems.push(
          committed === undefined
            ? `${rel}: missing (a new entry point)`
            : `${rel}: differs from the built API:\n${firstDifference(committed, text)}`,
        );
      }
    }
  }
  // A report whose entry point is gone (package or export removed) is stale.
  for (const ws of workspaces(root)) {
    const dir = join(ws, 'api');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.api.md'))) {
      const path = join(dir, file);
      if (written.has(path)) continue;
      if (mode === 'update') {
        rmSync(path);
        print(`api report removed (no such entry point): ${relative(root, path)}`);
      } else if (!problems.some((p) => p.startsWith(relative(root, path)))) {
        problems.push(`${relative(root, path)}: no entry point writes this report any more`);
      }
    }
  }
  if (problems.length) {
    for (const p of problems) printError(p);
    printError(
      `\n${problems.length} API report(s) out of date. If the change is intended, run \`pnpm api:update\` and commit the reports.`,
    );
    return 1;
  }
  if (mode === 'check') print(`API reports: ${written.size} up to date`);
  return 0;
}

/** The first differing line of two reports, with its number, for the failure message. */
export function firstDifference(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      return `  line ${i + 1}:\n  - committed: ${a[i] ?? '(end of file)'}\n  + built:     ${b[i] ?? '(end of file)'}`;
  }
  return '';
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = runApiReports(process.argv.slice(2));
