/**
 * The identity proof AWS clients send for lakeFS external principal login (lakectl and the lakeFS Python
 * wrapper): base64 of a presigned STS GetCallerIdentity request's description. Shared by the lakeFS login
 * tests and the authentication service's, which resolve the same token.
 */
export function identityToken(fields: Record<string, unknown> = {}): string {
  const info = {
    method: 'POST',
    host: 'sts.amazonaws.com',
    region: 'us-east-1',
    action: 'GetCallerIdentity',
    date: '20240501T095930Z',
    expiration_duration: '60',
    access_key_id: 'ASIAQEXAMPLEALICE001',
    signature: 'f'.repeat(64),
    signed_headers: ['host', 'x-lakefs-server-id'],
    version: '2011-06-15',
    algorithm: 'AWS4-HMAC-SHA256',
    security_token: 'alice-session-token',
    ...fields,
  };
  return Buffer.from(JSON.stringify(info)).toString('base64');
}
