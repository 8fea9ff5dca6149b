/**
 * What the operator asks of a running coordinator with the operator token, besides its
 * status (operatorStatusSchema.ts): a one-time invite for a new site (POST /invites), and
 * revoking a site (POST /sites/<id>/revoke). Declared once: the coordinator checks the
 * requests, ProtocolClient checks the answers.
 */
import { z } from 'zod';
import { base64url, siteIdSchema } from './messages.ts';

/** at most as long as `fedseg invite --site` takes */
export const SITE_NAME_MAX = 200;

export const InviteRequestSchema = z.strictObject({
  siteName: z.string().trim().min(1, { error: 'expected the site\'s name' }).max(SITE_NAME_MAX, { error: `expected a site name of at most ${SITE_NAME_MAX} characters` }),
});
export type InviteRequest = z.output<typeof InviteRequestSchema>;

/** The new site and its one-time token (only its hash is stored): the site opens <page>/#/join/<token>. */
export const InviteResponseSchema = z.strictObject({
  siteId: siteIdSchema,
  siteName: z.string(),
  token: base64url('the invite token', 256),
});
export type InviteResponse = z.output<typeof InviteResponseSchema>;

/** `alreadyRevoked`: the site was revoked before this request (revoking twice is no error) */
export const RevokeResponseSchema = z.strictObject({
  siteId: siteIdSchema,
  status: z.literal('revoked'),
  alreadyRevoked: z.boolean(),
});
export type RevokeResponse = z.output<typeof RevokeResponseSchema>;
