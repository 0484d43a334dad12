/** Shared paths, bodies and token minting for the registry credentials tests. */
import { SignJWT } from 'jose';

export const READ = '/registry/credentials/generate-read-access-credentials';
export const WRITE = '/registry/credentials/generate-write-access-credentials';

/** The tests' fixed clock. */
export const NOW = new Date('2024-05-01T10:00:00.000Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

/** jwtSecret of test/fixtures/registry/basic.yaml. */
export const SECRET = 'registry-test-secret-0123456789abcdef';

export const location = {
  bucket_name: 'rrap-storage',
  path: 'datasets/10378.1/1234567',
  s3_uri: 's3://rrap-storage/datasets/10378.1/1234567',
};
export const body = (overrides: Record<string, unknown> = {}) => ({ s3_location: { ...location }, console_session_required: false, ...overrides });

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export const AUTH = {
  missing: 'Not authenticated',
  invalid: 'Could not validate credentials',
  structure: 'Token had incorrect structure.',
  role: "You are not authorised to access this resource as you don't have the correct role.",
};

/** A Keycloak-shaped access token, HS256-signed; exp defaults to five minutes after NOW (null: no exp). */
export async function mintJwt(
  claims: Record<string, unknown>,
  { secret = SECRET, exp = NOW_SECONDS + 300 }: { secret?: string; exp?: number | null } = {},
): Promise<string> {
  const jwt = new SignJWT({ aud: 'account', ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(NOW_SECONDS - 60);
  if (exp !== null) jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(secret));
}

export const keycloakClaims = (username: string, roles: string[]) => ({
  preferred_username: username,
  email: `${username}@example.org`,
  realm_access: { roles: [...roles, 'offline_access', 'uma_authorization'] },
});
