/** What one apply step is: a name and a run that converges (or, in dry run, only reports). */
import type { AccountInfo, AwsClients, Change, Finding, ProgressEvent } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';

/** What a step gets. */
export interface StepContext {
  /** The run's clients: reads the steps repeat (account, cluster, OIDC provider, zones) go to AWS once per run. */
  clients: AwsClients;
  stack: Stack;
  dryRun: boolean;
  /** `apply --adopt`: take over every resource of the stack that exists without an `eks-kit:stack` tag. */
  adopt?: boolean;
  signal: AbortSignal | undefined;
  emit(event: ProgressEvent): void;
  /** The caller's account (one STS call, shared by every step). */
  account(): Promise<AccountInfo>;
}

/** A certificate after its step: what apply waits for. */
export interface CertificateOutcome {
  domainName: string;
  arn: string | undefined;
  region: string;
  status: string;
  changeIds: string[];
  /** The DNS role its Route 53 calls went through, when the zone is in another account. */
  dns?: { roleArn: string; accountId: string };
  /** The client set its Route 53 calls go through (the DNS role's), for apply's wait. */
  route53Clients?: AwsClients;
}

/** What a step returns. */
export interface StepOutcome {
  changes: Change[];
  certificates?: CertificateOutcome[];
  /**
   * What the step found that a plan must show beside its changes, e.g. a `fail` finding for a
   * prerequisite that blocks the apply (IRSA without the cluster's IAM OIDC provider).
   */
  findings?: Finding[];
}

/** One step of apply, in dependency order. */
export interface Step {
  id: string;
  /** What it does, for progress lines. */
  title: string;
  run(ctx: StepContext): Promise<StepOutcome>;
  /**
   * Reads only: what would stop this step's apply, known before any change, as `fail` findings
   * (e.g. IRSA without the cluster's IAM OIDC provider). An apply now runs every step's dry run
   * first (which reports these as findings, and turns refusals into findings), so this is for
   * callers that want the prerequisites alone; the reads go through the run's shared reads.
   */
  blockers?(ctx: StepContext): Promise<Finding[]>;
}
