/**
 * IAM (awsQuery 2010-05-08, signed for us-east-1).
 */
import { defineService } from '../framework/service.js';
import { createIamState, type IamState } from './iam/state.js';

/** The IAM module. */
export const iam = defineService<IamState>({
  signingName: 'iam',
  protocol: { kind: 'query', version: '2010-05-08', xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/' },
  createState: createIamState,
  behaviourDefaults: { iamPropagationSeconds: 8 },
  operations: {},
});
