/**
 * The released versions of the build tools the generated CI jobs use, in one place: the kaniko
 * `:debug` image, the rootless BuildKit image and the amazon-ecr-credential-helper release the
 * BuildKit job downloads. Floating tags (`:debug`, `:rootless`) would change what a pipeline runs
 * without any change to the stack; these pins change only with eks-kit.
 *
 * Sources (read 2026-12-06; test/upstream/releases.json keeps the latest release each project had):
 * - kaniko: osscontainertools/kaniko tag v1.28.3 (2026-08-13). Its release workflow
 *   (.github/workflows/images.yaml) tags each release's debug image `:<tag>-debug` as well as `:debug`.
 * - BuildKit: moby/buildkit tag v0.32.2 (2026-08-04); its release images are `moby/buildkit:<tag>`
 *   and `:<tag>-rootless` (.github/workflows/buildkit.yml).
 * - amazon-ecr-credential-helper 0.12.0 (tag v0.12.0, 2026-02-25; CHANGELOG.md "# 0.12.0"). Its
 *   release notes list `https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com/0.12.0/linux-amd64/docker-credential-ecr-login`
 *   (and linux-arm64) with a `.sha256` file beside each binary, the addresses the BuildKit job uses.
 */
import { InvalidInputError } from '@eks-kit/core';

/** One pinned tool. */
export interface PinnedTool {
  /** The upstream project (GitHub `owner/name`), whose release tags the version follows. */
  project: string;
  /** The pinned release, as the project tags it (`v1.28.3`, `v0.12.0`). */
  version: string;
}

/** Pinned releases: change a version here and every generated job follows. */
export const PINNED_TOOLS = Object.freeze({
  kaniko: Object.freeze({ project: 'osscontainertools/kaniko', version: 'v1.28.3' }),
  buildkit: Object.freeze({ project: 'moby/buildkit', version: 'v0.32.2' }),
  'amazon-ecr-credential-helper': Object.freeze({
    project: 'awslabs/amazon-ecr-credential-helper',
    version: 'v0.12.0',
  }),
}) satisfies Readonly<Record<string, PinnedTool>>;

/** A tool name of {@link PINNED_TOOLS}. */
export type PinnedToolName = keyof typeof PINNED_TOOLS;

/** The kaniko fork's image repository (GoogleContainerTools/kaniko is archived since June 2025). */
export const KANIKO_IMAGE_REPOSITORY = 'ghcr.io/osscontainertools/kaniko';
/** BuildKit's image repository. */
export const BUILDKIT_IMAGE_REPOSITORY = 'moby/buildkit';

/** The kaniko debug image of the pinned release (GitLab needs its busybox shell). */
export const DEFAULT_KANIKO_IMAGE = `${KANIKO_IMAGE_REPOSITORY}:${PINNED_TOOLS.kaniko.version}-debug`;
/** The rootless BuildKit image of the pinned release, which GitLab's BuildKit guide uses. */
export const DEFAULT_BUILDKIT_IMAGE = `${BUILDKIT_IMAGE_REPOSITORY}:${PINNED_TOOLS.buildkit.version}-rootless`;
/** Release of amazon-ecr-credential-helper downloaded into the BuildKit job (the image lacks it). */
export const ECR_LOGIN_HELPER_VERSION = PINNED_TOOLS['amazon-ecr-credential-helper'].version.replace(
  /^v/,
  '',
);

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/**
 * A default builder image pinned further to a digest: `<repository>:<tag>@sha256:<hex>`. The tag
 * stays for people reading the job; the runtime pulls by digest, so a re-pushed tag cannot change
 * what runs. Take the digest from the registry yourself (`crane digest`, `docker buildx imagetools
 * inspect`): eks-kit does not look it up.
 *
 * @example
 * ```ts
 * withImageDigest(DEFAULT_KANIKO_IMAGE, 'sha256:' + 'ab'.repeat(32));
 * // 'ghcr.io/osscontainertools/kaniko:v1.28.3-debug@sha256:abab...'
 * withImageDigest(DEFAULT_KANIKO_IMAGE, 'latest'); // throws InvalidInputError naming imageDigest
 * ```
 */
export function withImageDigest(image: string, digest: unknown, field = 'imageDigest'): string {
  if (typeof digest !== 'string' || !DIGEST_RE.test(digest))
    throw new InvalidInputError(field, digest, 'an image digest such as sha256:<64 lower-case hex digits>');
  if (image.includes('@')) throw new InvalidInputError(field, digest, 'a digest for an image without one');
  return `${image}@${digest}`;
}

function versionParts(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** One pinned tool older than the latest release known to the version data. */
export interface OutdatedPin {
  tool: PinnedToolName;
  pinned: string;
  latest: string;
}

/**
 * The pinned tools that are older than the latest release the version data knows (the
 * `latest` of each tool in `releases`, e.g. test/upstream/releases.json as the refresh script
 * writes it). Empty when every pin is current. A tool the data does not know is skipped; a version
 * that is not `x.y.z` (with or without `v`) is refused.
 *
 * @example
 * ```ts
 * outdatedPins({ kaniko: { latest: 'v1.28.3' }, buildkit: { latest: 'v0.33.0' } });
 * // [{ tool: 'buildkit', pinned: 'v0.32.2', latest: 'v0.33.0' }]
 * ```
 */
export function outdatedPins(
  releases: Partial<Record<PinnedToolName, { latest: string }>>,
  pins: Readonly<Record<PinnedToolName, PinnedTool>> = PINNED_TOOLS,
): OutdatedPin[] {
  const out: OutdatedPin[] = [];
  for (const tool of Object.keys(pins) as PinnedToolName[]) {
    const latest = releases[tool]?.latest;
    if (latest === undefined) continue;
    const a = versionParts(pins[tool].version);
    const b = versionParts(latest);
    if (!a)
      throw new InvalidInputError(`pins.${tool}.version`, pins[tool].version, 'a release such as v1.2.3');
    if (!b) throw new InvalidInputError(`releases.${tool}.latest`, latest, 'a release such as v1.2.3');
    const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    if (cmp < 0) out.push({ tool, pinned: pins[tool].version, latest });
  }
  return out;
}
