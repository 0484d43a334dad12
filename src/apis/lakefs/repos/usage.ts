/**
 * What the lakeFS web UI and clients send or read about the installation itself (controller.go
 * GetGarbageCollectionConfig, GetLicense, GetUsageReportSummary, PostStatsEvents, SetupCommPrefs), as open-source
 * lakeFS answers them (recorded from the real 1.80.0 in test/fidelity):
 * - the garbage collection grace period is the 24 hours an uncommitted object's address stays valid;
 * - there is no license to show (501), and from 1.81.0 on no license endpoint at all (404 `invalid API endpoint`);
 * - the usage report names the installation and counts API calls per month. The mock counts none: it reports the
 *   current month, count 0. Its installation id is derived from the scenario's JWT secret, so it is stable for a
 *   configuration as lakeFS's is for an installation;
 * - usage events are checked and dropped (204);
 * - the first-run form's e-mail address must be one (`invalid email address`) and not a free provider's (`please
 *   use a business email address`; lakeFS asks AfterShip's email-verifier, whose list of free providers this
 *   checks a few of the best known against).
 */
import { createHash } from 'node:crypto';
import { routeNotFound } from '../../../engine/errors.js';
import { currentUser } from '../authorize.js';
import { lakefsErrors, notImplementedIn, versionBefore } from '../errors.js';
import { empty, json } from '../reply.js';
import type { RepoHandler } from './state.js';

/** catalog.LinkAddressTime: 24 hours. */
const GRACE_PERIOD_SECONDS = 24 * 3600;

export const getGarbageCollectionConfig: RepoHandler = (ctx) => {
  currentUser(ctx);
  return json(ctx, 200, { grace_period: GRACE_PERIOD_SECONDS });
};

export const getLicense: RepoHandler = (ctx) => {
  if (!versionBefore(ctx.options.lakefsVersion, [1, 81, 0])) throw routeNotFound(ctx.request.method, ctx.request.path);
  currentUser(ctx);
  throw notImplementedIn(ctx.options);
};

export const getUsageReportSummary: RepoHandler = (ctx) => {
  currentUser(ctx);
  return json(ctx, 200, {
    installation_id: installationId(ctx.options.jwtSecret),
    reports: [{ count: 0, month: ctx.now.getUTCMonth() + 1, year: ctx.now.getUTCFullYear() }],
  });
};

/** A v4-shaped UUID from the secret's digest. */
function installationId(secret: string): string {
  const hex = createHash('sha256').update(`installation:${secret}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const postStatsEvents: RepoHandler = (ctx) => {
  currentUser(ctx);
  const events = (ctx.request.body as { events: Array<{ class: string; name: string; count: number }> }).events;
  for (const event of events) {
    if (event.class === '') throw lakefsErrors.badRequest('invalid value: class is required');
    if (event.name === '') throw lakefsErrors.badRequest('invalid value: name is required');
    if (event.count < 0) throw lakefsErrors.badRequest('invalid value: count must be a non-negative integer');
  }
  return empty(ctx, 204);
};

/** Free providers of AfterShip's list (a few of its thousands); `example.com` is on it. */
const FREE_DOMAINS = new Set([
  'example.com', 'gmail.com', 'googlemail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'live.com', 'aol.com',
  'icloud.com', 'me.com', 'mail.com', 'gmx.com', 'gmx.de', 'web.de', 'yandex.ru', 'mail.ru', 'protonmail.com', 'qq.com', '163.com',
]);

export const setupCommPrefs: RepoHandler = (ctx) => {
  const email = (ctx.request.body as { email?: string }).email ?? '';
  if (email === '') throw lakefsErrors.badRequest('email is required');
  // A bare address (no display name), with a domain that has a top-level domain.
  const match = /^[^\s@<>"(),:;[\]]+@([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})$/i.exec(email);
  if (!match) throw lakefsErrors.badRequest('invalid email address');
  if (FREE_DOMAINS.has(match[1]!.toLowerCase())) throw lakefsErrors.badRequest('please use a business email address');
  // lakeFS writes the 200 with no body at all.
  return empty(ctx, 200);
};
