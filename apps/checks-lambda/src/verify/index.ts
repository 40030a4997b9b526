/**
 * `@eks-kit/checks-lambda/verify`: what the CLI's `check --checker` needs from the checker (not part
 * of the Lambda bundle).
 */
export { type CheckerNames, checkerNames, heartbeatHoursFor } from '../template/deploy-template.js';
export { CHECKER_CHECKS, type VerifyCheckerOptions, verifyDeployedChecker } from './verify-checker.js';
