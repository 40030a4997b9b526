/** Step: every certificate of the stack, requested or reused, with its validation records. */
import { ensureCertificate } from '@eks-kit/acm-dns-validation';
import type { CertificateOutcome, Step, StepOutcome } from './step.js';

/**
 * The certificates step: `ensureCertificate` for each certificate (tagged `eks-kit:stack`), without
 * waiting (apply waits for all of them together at the end).
 *
 * @example
 * ```ts
 * const outcome = await certificatesStep.run(ctx);
 * ```
 */
export const certificatesStep: Step = {
  id: 'certificates',
  title: 'certificates and their DNS validation records',
  async run(ctx): Promise<StepOutcome> {
    const { stack } = ctx;
    const outcome: StepOutcome = { changes: [], certificates: [] };
    for (const cert of stack.certificates) {
      const region = cert.region ?? stack.cluster.region;
      const clients = region === ctx.clients.region ? ctx.clients : ctx.clients.withRegion(region);
      const result = await ensureCertificate(
        clients,
        {
          domainName: cert.domainName,
          subjectAlternativeNames: cert.subjectAlternativeNames ?? [],
          keyAlgorithm: cert.keyAlgorithm,
          ...(cert.zones ? { zones: cert.zones } : {}),
          region,
          stack: stack.name,
          tags: stack.tags ?? {},
        },
        {
          dryRun: ctx.dryRun,
          adopt: ctx.adopt === true || cert.adopt === true,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onEvent: ctx.emit,
        },
      );
      outcome.changes.push(...result.changes);
      const certOutcome: CertificateOutcome = {
        domainName: cert.domainName,
        arn: result.arn,
        region,
        status: result.status,
        changeIds: result.changeIds,
      };
      outcome.certificates!.push(certOutcome);
    }
    return outcome;
  },
};
