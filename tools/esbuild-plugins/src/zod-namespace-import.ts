import { readFile } from 'node:fs/promises';
import type { EsbuildPlugin } from './esbuild-plugin.js';

/** Built entries of eks-kit packages (a file without the import is left to the other plugins). */
const PACKAGE_ENTRY = /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/]index\.js$/;

/**
 * `import { z } from "zod"` as `import * as z from "zod"`: the same bindings under `z.` (zod's entry
 * re-exports its whole API beside `z`), which esbuild can tree-shake member by member.
 *
 * @example
 * ```ts
 * zodAsNamespace('import { z } from "zod";\nconst s = z.object({});');
 * // 'import * as z from "zod";\nconst s = z.object({});'
 * ```
 */
export function zodAsNamespace(source: string): string {
  return source.replace(/^import \{ z \} from "zod";$/m, 'import * as z from "zod";');
}

/**
 * @eks-kit/stack writes `import { z } from 'zod'`. zod's `z` is a namespace object re-exported from
 * another module, and esbuild keeps every export of such a namespace (JSON Schema conversion, the
 * `z.compile` fast path, every locale...: ~190 KB), while `import * as z` lets it keep only the members
 * used (~85 KB). The same code; the change belongs in packages/stack (`import * as z from 'zod'`),
 * after which this plugin finds nothing to rewrite.
 *
 * @example
 * ```ts
 * defineConfig({ esbuildPlugins: [zodNamespaceImport] });
 * ```
 */
export const zodNamespaceImport: EsbuildPlugin = {
  name: 'eks-kit-zod-namespace-import',
  setup(build) {
    build.onLoad({ filter: PACKAGE_ENTRY }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = zodAsNamespace(source);
      return contents === source ? undefined : { contents, loader: 'js' };
    });
  },
};
