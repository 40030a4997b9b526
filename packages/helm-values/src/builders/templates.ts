/**
 * Go template references in helmfile values. helmfile v1 renders templates only in files named
 * `*.gotmpl`, reads environment values as `{{ .Values.x }}` (`.Environment.Values` is deprecated),
 * and needs `environments` in a part of its own, before `---` (docs/AWS-FACTS.md#helmfile-v1).
 */
import { InvalidInputError } from '@eks-kit/core';

const KEY_PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * A helmfile template reference to an environment value, for use inside release values when the
 * helmfile has environments.
 *
 * @example
 * ```ts
 * valuesRef('clusterName');     // '{{ .Values.clusterName }}'
 * valuesRef('autoscaler.role'); // '{{ .Values.autoscaler.role }}'
 * ```
 */
export function valuesRef(path: string): string {
  if (typeof path !== 'string' || !KEY_PATH_RE.test(path)) {
    throw new InvalidInputError('path', path, 'a dotted key path such as clusterName or autoscaler.roleArn');
  }
  return `{{ .Values.${path} }}`;
}

/** A string in the input that holds a template, with where it is. */
export interface TemplateUse {
  field: string;
  text: string;
}

/**
 * Every string (map keys included) that contains `{{`, with its field path.
 *
 * @example
 * ```ts
 * findTemplates({ a: ['x', '{{ .Values.y }}'] }, 'values'); // [{ field: 'values.a[1]', text: '{{ .Values.y }}' }]
 * ```
 */
export function findTemplates(value: unknown, field: string, out: TemplateUse[] = []): TemplateUse[] {
  if (typeof value === 'string') {
    if (value.includes('{{')) out.push({ field, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      findTemplates(item, `${field}[${index}]`, out);
    });
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('{{')) out.push({ field: `${field}.${key}`, text: key });
      findTemplates(item, `${field}.${key}`, out);
    }
  }
  return out;
}

/** The `.Values.a.b` key paths a template text reads. @internal */
export function valuesPathsIn(text: string): string[] {
  return [...text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => (m[1] ?? '').slice(1));
}

/** True when `data` has a value at the dotted key path. @internal */
export function hasPath(data: unknown, path: string): boolean {
  let node: unknown = data;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/**
 * Check template uses: refused outside `.gotmpl` (no environments), `.Environment.Values` refused
 * in favour of `.Values`, and every `.Values.x` must exist in each environment whose values are
 * all inline maps (file values cannot be checked here).
 * @internal
 */
export function checkTemplates(
  uses: readonly TemplateUse[],
  environments: Record<string, { values: readonly unknown[] }> | undefined,
): void {
  for (const use of uses) {
    if (!environments) {
      throw new InvalidInputError(use.field, use.text, 'no Go template ({{ }}) in a plain helmfile.yaml', {
        hint: 'helmfile v1 renders templates only in *.gotmpl files: add environments to get helmfile.yaml.gotmpl',
      });
    }
    if (/\.Environment\.Values\b/.test(use.text)) {
      throw new InvalidInputError(
        use.field,
        use.text,
        '{{ .Values.x }} (helmfile v1 deprecates .Environment.Values)',
      );
    }
    for (const path of valuesPathsIn(use.text)) {
      for (const [name, env] of Object.entries(environments)) {
        if (env.values.some((v) => typeof v === 'string')) continue;
        if (!env.values.some((v) => hasPath(v, path))) {
          throw new InvalidInputError(use.field, use.text, `a value that environment ${name} defines`, {
            hint: `add ${path} to environments.${name}.values`,
          });
        }
      }
    }
  }
}
