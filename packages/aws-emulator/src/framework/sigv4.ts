/**
 * Reads the SigV4 credential scope of a request. Signatures are not verified: any credentials
 * are accepted, but an unsigned request is refused like AWS.
 */

/** The credential scope of a signed request. */
export interface SigningScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;

/**
 * Parses `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/iam/aws4_request, ...`
 * or a presigned URL's `X-Amz-Credential`; undefined when the request is not SigV4-signed.
 * @example signingScope('AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00')?.service // 'iam'
 */
export function signingScope(
  authorization: string | undefined,
  queryCredential?: string | null,
): SigningScope | undefined {
  let text: string | undefined;
  if (authorization?.startsWith('AWS4-HMAC-SHA256 ')) text = authorization;
  else if (queryCredential) text = `Credential=${queryCredential}`;
  if (!text) return undefined;
  const m = CREDENTIAL.exec(text);
  if (!m) return undefined;
  return {
    accessKeyId: m[1] as string,
    date: m[2] as string,
    region: m[3] as string,
    service: m[4] as string,
  };
}
