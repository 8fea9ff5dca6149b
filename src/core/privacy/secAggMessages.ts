/**
 * The messages of secure aggregation (docs/protocol.md has the flow), declared once.
 * Byte strings travel as base64url; public keys as P-256 JWKs.
 */
import { z } from 'zod';
import { publicKeyJwkSchema, siteIdSchema } from '../protocol/messages.ts';

const b64 = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]+$/, { error: 'expected base64url' });
const sealedSchema = { iv: b64(16), ciphertext: b64(400) };

/** 1. site -> coordinator: its per-round public keys and its weight (sample count) */
export const SecAggAdvertiseSchema = z.strictObject({
  siteId: siteIdSchema,
  weight: z.number().positive().finite(),
  /** ECDH key that encrypts the shares this site exchanges */
  cPublic: publicKeyJwkSchema,
  /** ECDH key that agrees the pairwise masks */
  sPublic: publicKeyJwkSchema,
});
export type SecAggAdvertise = z.output<typeof SecAggAdvertiseSchema>;

/** 2. coordinator -> every site: who takes part, the threshold and the fixed-point scale */
export const SecAggRosterSchema = z.strictObject({
  round: z.number().int().nonnegative(),
  threshold: z.number().int().min(2),
  clipRange: z.number().positive().finite(),
  /** fixed-point factor S (fieldQuantize.ts) */
  scale: z.number().positive().finite(),
  sites: z
    .array(
      z.strictObject({
        siteId: siteIdSchema,
        /** Shamir x coordinate and mask order, 1..n */
        index: z.number().int().positive(),
        weight: z.number().positive().finite(),
        cPublic: publicKeyJwkSchema,
        sPublic: publicKeyJwkSchema,
      }),
    )
    .min(2)
    .max(10_000),
});
export type SecAggRoster = z.output<typeof SecAggRosterSchema>;

/** 3. site -> coordinator: its shares for every other site, each sealed for its receiver */
export const SecAggSharesSchema = z.strictObject({
  siteId: siteIdSchema,
  sealed: z.array(z.strictObject({ to: siteIdSchema, ...sealedSchema })).max(10_000),
});
export type SecAggShares = z.output<typeof SecAggSharesSchema>;

/** 4. coordinator -> one site: the shares sealed for it (their senders are the round's U2) */
export const SecAggSharesForSchema = z.strictObject({
  round: z.number().int().nonnegative(),
  to: siteIdSchema,
  sealed: z.array(z.strictObject({ from: siteIdSchema, ...sealedSchema })).max(10_000),
});
export type SecAggSharesFor = z.output<typeof SecAggSharesForSchema>;

/** 6. coordinator -> surviving sites: who uploaded a masked vector and who dropped */
export const SecAggUnmaskRequestSchema = z.strictObject({
  round: z.number().int().nonnegative(),
  survivors: z.array(siteIdSchema).max(10_000),
  dropped: z.array(siteIdSchema).max(10_000),
});
export type SecAggUnmaskRequest = z.output<typeof SecAggUnmaskRequestSchema>;

/** 7. site -> coordinator: self-mask shares of survivors, mask-key shares of the dropped */
export const SecAggUnmaskResponseSchema = z.strictObject({
  siteId: siteIdSchema,
  selfMaskShares: z.array(z.strictObject({ of: siteIdSchema, share: b64(100) })).max(10_000),
  keyShares: z.array(z.strictObject({ of: siteIdSchema, share: b64(100) })).max(10_000),
});
export type SecAggUnmaskResponse = z.output<typeof SecAggUnmaskResponseSchema>;
