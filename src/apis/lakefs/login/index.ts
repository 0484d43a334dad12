/**
 * The lakeFS login flows: key-pair login and logout, external principal and STS logins, the OIDC callback
 * (with mockgate's stand-in identity provider page), the `lakectl login` token mailbox (with mockgate's
 * sign-in page). Exports are the contract with ../index.ts.
 */
import { fileURLToPath } from 'node:url';
import type { Handler } from '../../../engine/types.js';
import type { LakefsOptions, LakefsState } from '../state.js';
import { externalPrincipalLogin, stsLogin } from './handlers/external.js';
import { mockgateLogin, mockgateLoginPage } from './handlers/login-page.js';
import { getTokenFromMailbox, getTokenRedirect, releaseTokenToMailbox } from './handlers/mailbox.js';
import { mockgateOidcAuthorize, mockgateOidcAuthorizePage, oauthCallback } from './handlers/oidc.js';
import { login, logout } from './handlers/session.js';

export { createLoginState, loginOptionProperties, loginSeedProperties } from './seed.js';

/** Absolute paths of the spec files this folder serves: the API operations at /api/v1, the browser pages at /. */
export const loginSpecs: string[] = [
  fileURLToPath(new URL('../../../../specs/lakefs/login.yaml', import.meta.url)),
  fileURLToPath(new URL('../../../../specs/lakefs/browser.yaml', import.meta.url)),
];

export const loginHandlers: Record<string, Handler<LakefsState, LakefsOptions>> = {
  login,
  logout,
  externalPrincipalLogin,
  stsLogin,
  oauthCallback,
  getTokenRedirect,
  releaseTokenToMailbox,
  getTokenFromMailbox,
  mockgateOidcAuthorizePage,
  mockgateOidcAuthorize,
  mockgateLoginPage,
  mockgateLogin,
};
