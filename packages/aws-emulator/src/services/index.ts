/**
 * The registered service modules: one line per service.
 */
import type { AnyServiceModule } from '../framework/service.js';
import { acm } from './acm.js';
import { autoscaling } from './autoscaling.js';
import { ec2 } from './ec2.js';
import { ecr } from './ecr.js';
import { eks } from './eks.js';
import { iam } from './iam.js';
import { organizations } from './organizations.js';
import { registry } from './registry.js';
import { route53 } from './route53.js';
import { s3 } from './s3.js';
import { sns } from './sns.js';
import { ssm } from './ssm.js';
import { stepfunctions } from './stepfunctions.js';
import { sts } from './sts.js';
import { tagging } from './tagging.js';

/** Every service the emulator serves. */
export const services: AnyServiceModule[] = [
  ecr,
  registry,
  acm,
  route53,
  sts,
  iam,
  autoscaling,
  ec2,
  eks,
  ssm,
  sns,
  organizations,
  stepfunctions,
  tagging,
  // Last: its path-style routes (`/{Bucket}/{Key+}`) would match any other restXml path.
  s3,
];
