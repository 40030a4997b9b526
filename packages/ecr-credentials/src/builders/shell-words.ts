/**
 * Values written into the shell lines of generated CI jobs, and the grammars they are checked
 * against first. Every value reaches the shell as one word that arrives literally: POSIX single
 * quotes, except CI variable references (`$CI_PROJECT_DIR`, `${CI_COMMIT_TAG}`), which are allowed
 * on purpose in build paths and tags and are expanded by the job's shell inside double quotes (so the
 * variable's value is never split, globbed or substituted again).
 */
import { InvalidInputError } from '@eks-kit/core';

/** A CI variable reference: `$NAME` or `${NAME}` with an upper-case name (GitLab's predefined `CI_*` and project variables). */
const VARIABLE_REF = String.raw`\$\{[A-Z_][A-Z0-9_]*\}|\$[A-Z_][A-Z0-9_]*`;
const VARIABLE_SPLIT_RE = new RegExp(`(${VARIABLE_REF})`);
const VARIABLE_ONLY_RE = new RegExp(`^(?:${VARIABLE_REF})$`);

/** Words the shell reads literally without quotes (no expansion, globbing, splitting or comment). */
const SAFE_WORD_RE = /^[A-Za-z0-9_./:@%+,=-]+$/;

/** Build paths: letters, digits, `. _ - / + @`, and CI variable references; nothing else. */
const BUILD_PATH_RE = new RegExp(String.raw`^(?:[A-Za-z0-9._\-/+@]|${VARIABLE_REF})+$`);

/**
 * Quote a string as one POSIX shell word that the shell reads back literally: single quotes, with
 * each `'` written as `'\''` (a word of only `A-Z a-z 0-9 _ . / : @ % + , = -` is left bare, as it
 * means the same). Nothing inside is expanded (`$(id)`, backticks, `${X}`, `;`, newlines).
 *
 * @example
 * ```ts
 * shellQuote("it's $(id)"); // "'it'\\''s $(id)'"
 * shellQuote('');           // "''"
 * shellQuote('team/app:1'); // 'team/app:1'
 * ```
 */
export function shellQuote(value: string): string {
  if (SAFE_WORD_RE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Quote a string as one POSIX shell word in which only CI variable references (`$NAME`, `${NAME}`,
 * upper-case names) are expanded, inside double quotes; every other character, `$(...)` and
 * backticks included, arrives literally (single quotes).
 *
 * @example
 * ```ts
 * shellWordWithVariables('$CI_PROJECT_DIR/app');  // '"${CI_PROJECT_DIR}"/app'
 * shellWordWithVariables('$(id)');                 // "'$(id)'"
 * ```
 */
export function shellWordWithVariables(value: string): string {
  if (value === '') return "''";
  return value
    .split(VARIABLE_SPLIT_RE)
    .filter((part) => part !== '')
    .map((part) =>
      VARIABLE_ONLY_RE.test(part) ? `"\${${part.replace(/^\$\{?|\}$/g, '')}}"` : shellQuote(part),
    )
    .join('');
}

/**
 * Check a build context or Dockerfile path for a CI job: letters, digits, `. _ - / + @` and CI
 * variable references such as `$CI_PROJECT_DIR` (expanded by the job's shell on purpose); no spaces,
 * quotes, backslashes, `$(...)`, backticks or newlines.
 *
 * @example
 * ```ts
 * validateBuildPath('$CI_PROJECT_DIR/docker', 'context'); // '$CI_PROJECT_DIR/docker'
 * validateBuildPath('$(id)', 'context');                    // throws InvalidInputError naming `context`
 * ```
 */
export function validateBuildPath(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 1024 || !BUILD_PATH_RE.test(value))
    throw new InvalidInputError(
      field,
      value,
      'a path of letters, digits, . _ - / + @ and CI variables such as $CI_PROJECT_DIR',
    );
  return value;
}

const DOMAIN_COMPONENT = '(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]{1,5})?|\\[[0-9a-fA-F:]+\\](?::[0-9]{1,5})?)`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REF_RE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

/**
 * Check a container image reference by the distribution grammar (`[host[:port]/]path[:tag][@digest]`,
 * lower-case path). It is written into `image:` of a CI job, where GitLab would expand `$VARS`: none
 * are accepted.
 *
 * @example
 * ```ts
 * validateImageReference('ghcr.io/osscontainertools/kaniko:debug', 'image'); // returned as is
 * validateImageReference('kaniko:$(id)', 'image');                          // throws InvalidInputError
 * ```
 */
export function validateImageReference(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 512 || !IMAGE_REF_RE.test(value))
    throw new InvalidInputError(
      field,
      value,
      'a container image reference such as ghcr.io/osscontainertools/kaniko:debug',
    );
  return value;
}

const TAG_RE = new RegExp(`^(?:[\\w][\\w.-]{0,127}|${VARIABLE_REF})$`);

/**
 * Check an image tag for a CI job: a literal tag (letters, digits, `_ . -`, at most 128) or one CI
 * variable reference such as `$CI_COMMIT_SHORT_SHA` (expanded by the job's shell on purpose).
 *
 * @example
 * ```ts
 * validateImageTag('$CI_COMMIT_SHORT_SHA', 'tags[0]'); // returned as is
 * validateImageTag('v1;id', 'tags[0]');                // throws InvalidInputError
 * ```
 */
export function validateImageTag(value: unknown, field: string): string {
  if (typeof value !== 'string' || !TAG_RE.test(value))
    throw new InvalidInputError(
      field,
      value,
      'an image tag (letters, digits, _ . -) or a CI variable such as $CI_COMMIT_TAG',
    );
  return value;
}
