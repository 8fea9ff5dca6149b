/**
 * The coordinator's side of secure aggregation (Bonawitz et al., CCS 2017; see
 * secAggClient.ts). One instance per round; phases:
 *   advertise (addAdvertise)* -> roster() -> (addShares)* -> sharesFor(site) ->
 *   (addMaskedInput)* -> unmaskRequest() -> (addUnmaskResponse)* -> finish()
 * The masked uploads are summed as they arrive (one vector in memory). The coordinator learns
 * only the weighted sum of the survivors' updates: each single upload is uniformly random
 * to it. Sites that drop after sharing keys are recovered from the shares the survivors hold
 * of their mask keys, as long as at least `threshold` sites answer the unmask request.
 * (The state lives in memory: a coordinator restart in the middle of a secure round restarts
 * the round.)
 */
import type { WeightSet } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { base64urlDecode } from '../protocol/base64url.ts';
import type { WeightSpec } from '../protocol/weightSpec.ts';
import { splitFlat, totalSize } from '../codecs/payloadBytes.ts';
import { addInto, dequantizeSum, fieldScale, subtractInto } from './fieldQuantize.ts';
import { agree, importPrivateScalar } from './secAggCrypto.ts';
import { pairMask, selfMask } from './secAggMasks.ts';
import type { SecAggAdvertise, SecAggRoster, SecAggShares, SecAggSharesFor, SecAggUnmaskRequest, SecAggUnmaskResponse } from './secAggMessages.ts';
import type { Share } from './shamir.ts';
import { bytesToBigint, combineShares, SHAMIR_PRIME, SHARE_BYTES } from './shamir.ts';

type Phase = 'advertise' | 'shares' | 'masked' | 'unmask' | 'done';

export interface SecAggServerOptions {
  readonly round: number;
  /** the model's spec: the masked vectors have one uint32 per weight */
  readonly spec: WeightSpec;
  /** plan.privacy.secureAggregation.clipRange */
  readonly clipRange: number;
  /** plan.privacy.secureAggregation.thresholdFraction: t = max(2, ceil(fraction * n)) */
  readonly thresholdFraction: number;
}

export interface SecAggResult {
  /** weighted mean of the survivors' (clipped, quantised) updates: hand it to the strategy with weight 1 */
  readonly meanDelta: WeightSet;
  readonly survivors: readonly string[];
  readonly dropped: readonly string[];
  readonly totalWeight: number;
}

export class SecAggServer {
  private phase: Phase = 'advertise';
  private readonly adverts = new Map<string, SecAggAdvertise>();
  private rosterMsg: SecAggRoster | null = null;
  private readonly sharesIn = new Map<string, SecAggShares>();
  /** U2 */
  private sharers: string[] = [];
  private sum: Uint32Array | null = null;
  /** U3 */
  private readonly uploaded = new Set<string>();
  private request: SecAggUnmaskRequest | null = null;
  private readonly responses = new Map<string, SecAggUnmaskResponse>();
  private readonly length: number;

  constructor(private readonly o: SecAggServerOptions) {
    this.length = totalSize(o.spec);
  }

  addAdvertise(msg: SecAggAdvertise): void {
    this.expect('advertise');
    if (this.adverts.has(msg.siteId)) throw duplicate(`keys of "${msg.siteId}"`);
    this.adverts.set(msg.siteId, msg);
  }

  /** Close key advertisement: order the sites, fix the threshold and the fixed-point scale. */
  roster(): SecAggRoster {
    if (this.rosterMsg) return this.rosterMsg;
    this.expect('advertise');
    const sites = [...this.adverts.values()].sort((a, b) => (a.siteId < b.siteId ? -1 : 1));
    const n = sites.length;
    if (n < 2) throw tooFew(`at least 2 sites for secure aggregation, found ${n}`);
    const threshold = Math.min(n, Math.max(2, Math.ceil(this.o.thresholdFraction * n)));
    const totalWeight = sites.reduce((s, x) => s + x.weight, 0);
    this.rosterMsg = {
      round: this.o.round,
      threshold,
      clipRange: this.o.clipRange,
      scale: fieldScale(totalWeight, n, this.o.clipRange),
      sites: sites.map((s, i) => ({ siteId: s.siteId, index: i + 1, weight: s.weight, cPublic: s.cPublic, sPublic: s.sPublic })),
    };
    this.phase = 'shares';
    return this.rosterMsg;
  }

  addShares(msg: SecAggShares): void {
    this.expect('shares');
    const roster = this.rosterMsg!;
    if (!roster.sites.some((s) => s.siteId === msg.siteId)) throw notInRound(msg.siteId);
    if (this.sharesIn.has(msg.siteId)) throw duplicate(`shares of "${msg.siteId}"`);
    const to = new Set(msg.sealed.map((s) => s.to));
    const expected = roster.sites.filter((s) => s.siteId !== msg.siteId).map((s) => s.siteId);
    if (to.size !== msg.sealed.length || expected.length !== to.size || expected.some((id) => !to.has(id))) {
      throw invalid(`expected "${msg.siteId}" to seal one share for each other site in the roster`);
    }
    this.sharesIn.set(msg.siteId, msg);
  }

  /** The shares sealed for `siteId` by every site that shared (closes the sharing phase). */
  sharesFor(siteId: string): SecAggSharesFor {
    if (this.phase === 'shares') {
      // in roster order, not arrival order: the survivors and the dropped are listed the same way every time
      this.sharers = this.rosterMsg!.sites.map((s) => s.siteId).filter((id) => this.sharesIn.has(id));
      if (this.sharers.length < this.rosterMsg!.threshold) {
        throw tooFew(`at least ${this.rosterMsg!.threshold} sites sharing keys, found ${this.sharers.length}`);
      }
      this.phase = 'masked';
    }
    this.expect('masked');
    if (!this.sharers.includes(siteId)) throw notInRound(siteId);
    const sealed: SecAggSharesFor['sealed'] = [];
    for (const from of this.sharers) {
      if (from === siteId) continue;
      const s = this.sharesIn.get(from)!.sealed.find((x) => x.to === siteId)!;
      sealed.push({ from, iv: s.iv, ciphertext: s.ciphertext });
    }
    return { round: this.o.round, to: siteId, sealed };
  }

  /** Add one masked upload (uint32 LE, 4 bytes per weight) into the running sum. */
  addMaskedInput(siteId: string, bytes: Uint8Array): void {
    this.expect('masked');
    if (!this.sharers.includes(siteId)) throw notInRound(siteId);
    if (this.uploaded.has(siteId)) throw duplicate(`masked input of "${siteId}"`);
    if (bytes.length !== 4 * this.length) {
      throw new FedsegError('UPDATE_SHAPE', `masked input of "${siteId}": expected ${4 * this.length} bytes, found ${bytes.length}`);
    }
    const y = words(bytes);
    if (!this.sum) this.sum = y;
    else addInto(this.sum, y);
    this.uploaded.add(siteId);
  }

  /**
   * Takes a masked upload back out of the running sum, before the unmask request (a site
   * revoked after it uploaded): `bytes` must be the upload as added (the coordinator reads it
   * from its content-addressed store). The site is then one of the dropped: the survivors
   * reveal its mask key's shares, never its self mask's, so its update stays hidden.
   */
  withdrawMaskedInput(siteId: string, bytes: Uint8Array): void {
    this.expect('masked');
    if (!this.uploaded.has(siteId)) throw notInRound(siteId);
    if (bytes.length !== 4 * this.length) {
      throw new FedsegError('UPDATE_SHAPE', `masked input of "${siteId}" to take out: expected ${4 * this.length} bytes, found ${bytes.length}`);
    }
    subtractInto(this.sum!, words(bytes));
    this.uploaded.delete(siteId);
  }

  get uploads(): number {
    return this.uploaded.size;
  }

  /** Close uploads: survivors U3 and the dropped U2 \ U3 (needs at least threshold survivors). */
  unmaskRequest(): SecAggUnmaskRequest {
    if (this.request) return this.request;
    this.expect('masked');
    if (this.uploaded.size < this.rosterMsg!.threshold) {
      throw tooFew(`at least ${this.rosterMsg!.threshold} masked inputs, found ${this.uploaded.size}`);
    }
    this.request = {
      round: this.o.round,
      survivors: this.sharers.filter((id) => this.uploaded.has(id)),
      dropped: this.sharers.filter((id) => !this.uploaded.has(id)),
    };
    this.phase = 'unmask';
    return this.request;
  }

  addUnmaskResponse(msg: SecAggUnmaskResponse): void {
    this.expect('unmask');
    const req = this.request!;
    if (!req.survivors.includes(msg.siteId)) throw notInRound(msg.siteId);
    if (this.responses.has(msg.siteId)) throw duplicate(`unmask response of "${msg.siteId}"`);
    const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
    if (!same(msg.selfMaskShares.map((s) => s.of), req.survivors) || !same(msg.keyShares.map((s) => s.of), req.dropped)) {
      throw invalid(`expected "${msg.siteId}" to answer for exactly the survivors' self masks and the dropped sites' keys`);
    }
    // a malformed share is refused with its response, so that it cannot fail the unmasking
    // (and make the round start over) once enough good responses are in
    for (const { of, share } of [...msg.selfMaskShares, ...msg.keyShares]) {
      const bytes = base64urlDecode(share);
      if (!bytes || bytes.length !== SHARE_BYTES || bytesToBigint(bytes) >= SHAMIR_PRIME) {
        throw invalid(`expected the share of "${of}" from "${msg.siteId}" as ${SHARE_BYTES} bytes (base64url) of a number below 2^521 - 1, found ${bytes ? `${bytes.length} bytes` : 'no base64url'}`);
      }
    }
    this.responses.set(msg.siteId, msg);
  }

  /** Remove every mask and give the weighted mean of the survivors' updates. */
  async finish(): Promise<SecAggResult> {
    this.expect('unmask');
    const roster = this.rosterMsg!;
    const req = this.request!;
    if (this.responses.size < roster.threshold) {
      throw tooFew(`at least ${roster.threshold} unmask responses, found ${this.responses.size}`);
    }
    const site = (id: string) => roster.sites.find((s) => s.siteId === id)!;
    const sharesOf = (id: string, kind: 'selfMaskShares' | 'keyShares'): Share[] =>
      [...this.responses.values()].map((r) => {
        const bytes = base64urlDecode(r[kind].find((s) => s.of === id)!.share);
        if (!bytes || bytes.length !== SHARE_BYTES) throw invalid(`malformed share of "${id}" from "${r.siteId}"`);
        return { x: site(r.siteId).index, y: bytesToBigint(bytes) };
      });
    const sum = this.sum!;
    for (const id of req.survivors) {
      const seed = combineShares(sharesOf(id, 'selfMaskShares'), roster.threshold, 32);
      subtractInto(sum, await selfMask(this.o.round, id, seed, this.length));
    }
    for (const id of req.dropped) {
      const dropped = site(id);
      const d = combineShares(sharesOf(id, 'keyShares'), roster.threshold, 32);
      const key = await importPrivateScalar(d, dropped.sPublic);
      for (const vid of req.survivors) {
        const v = site(vid);
        const mask = await pairMask(this.o.round, id, vid, await agree(key, v.sPublic), this.length);
        // survivor v added +mask when its index is below the dropped site's, else -mask
        if (v.index < dropped.index) subtractInto(sum, mask);
        else addInto(sum, mask);
      }
    }
    const totalWeight = req.survivors.reduce((s, id) => s + site(id).weight, 0);
    this.phase = 'done';
    return {
      meanDelta: splitFlat(dequantizeSum(sum, roster.scale, totalWeight), this.o.spec, 'secure aggregate'),
      survivors: req.survivors,
      dropped: req.dropped,
      totalWeight,
    };
  }

  private expect(p: Phase): void {
    if (this.phase !== p) throw new FedsegError('SECAGG_PHASE', `secure aggregation round ${this.o.round}: expected phase ${p}, found ${this.phase}`);
  }
}

const invalid = (m: string) => new FedsegError('SECAGG_INVALID', `secure aggregation: ${m}`);
const duplicate = (what: string) => new FedsegError('SECAGG_DUPLICATE', `secure aggregation: ${what} already received`);
const tooFew = (m: string) => new FedsegError('SECAGG_TOO_FEW', `secure aggregation: expected ${m}`);
const notInRound = (id: string) => new FedsegError('SECAGG_NOT_IN_ROUND', `secure aggregation: site "${id}" is not part of this phase of the round`);

/** A masked input's uint32 words, in a copy of its own (the bytes may sit unaligned in a larger buffer). */
function words(bytes: Uint8Array): Uint32Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Uint32Array(copy.buffer);
}
