/**
 * The site's side of secure aggregation — Bonawitz, Ivanov, Kreuter, Marcedone, McMahan,
 * Patel, Ramage, Segal, Seth, "Practical Secure Aggregation for Privacy-Preserving Machine
 * Learning", CCS 2017 (the semi-honest protocol; SecAgg+ of Bell et al., CCS 2020, would
 * replace the complete graph of pairs with a sparse one). One instance per round:
 *   advertise() -> shareKeys(roster) -> receiveShares(forMe) -> maskedInput(update) -> unmask(request)
 * The site never answers an unmask request asking for both the self-mask share and the
 * mask-key share of the same site (that would let the coordinator unmask one upload).
 */
import type { WeightSet } from '../types/weights.ts';
import type { CryptoKeyPairLike } from '../util/webCrypto.ts';
import { webCrypto } from '../util/webCrypto.ts';
import { FedsegError } from '../util/errors.ts';
import { base64urlEncode } from '../protocol/base64url.ts';
import { flatten } from '../codecs/payloadBytes.ts';
import { checkFinite } from '../protocol/weightSpec.ts';
import { addInto, quantizeToField, subtractInto } from './fieldQuantize.ts';
import { agree, exportAgreementPublic, exportPrivateScalar, generateAgreementKeys, openFrom, sealFor } from './secAggCrypto.ts';
import { pairMask, selfMask, shareAad } from './secAggMasks.ts';
import type { SecAggAdvertise, SecAggRoster, SecAggShares, SecAggSharesFor, SecAggUnmaskRequest, SecAggUnmaskResponse } from './secAggMessages.ts';
import { bigintToBytes, SHARE_BYTES, splitSecret } from './shamir.ts';

type Phase = 'advertise' | 'share' | 'receive' | 'mask' | 'unmask' | 'done';

/** shares this site holds of another site's two secrets */
interface HeldShares {
  readonly selfSeed: Uint8Array;
  readonly maskKey: Uint8Array;
}

export class SecAggClient {
  private phase: Phase = 'advertise';
  private roster: SecAggRoster | null = null;
  private readonly held = new Map<string, HeldShares>();
  /** U2: sites whose shares this site holds (itself included) */
  private participants: string[] = [];

  private constructor(
    readonly siteId: string,
    readonly round: number,
    readonly weight: number,
    private readonly cKeys: CryptoKeyPairLike,
    private readonly sKeys: CryptoKeyPairLike,
    private readonly selfSeed: Uint8Array,
  ) {}

  /** New per-round keys: c (share encryption) and s (masks, extractable: it is secret-shared). */
  static async create(siteId: string, round: number, weight: number): Promise<SecAggClient> {
    const [c, s] = await Promise.all([generateAgreementKeys(false), generateAgreementKeys(true)]);
    return new SecAggClient(siteId, round, weight, c, s, webCrypto().getRandomValues(new Uint8Array(32)));
  }

  async advertise(): Promise<SecAggAdvertise> {
    this.expect('advertise');
    this.phase = 'share';
    return {
      siteId: this.siteId,
      weight: this.weight,
      cPublic: await exportAgreementPublic(this.cKeys.publicKey),
      sPublic: await exportAgreementPublic(this.sKeys.publicKey),
    };
  }

  /** Secret-share the self-mask seed and the mask key among the roster; seal each pair's shares. */
  async shareKeys(roster: SecAggRoster): Promise<SecAggShares> {
    this.expect('share');
    if (roster.round !== this.round) throw invalid(`expected a roster for round ${this.round}, found round ${roster.round}`);
    const me = roster.sites.find((s) => s.siteId === this.siteId);
    if (!me) throw invalid(`the roster does not name this site (${this.siteId})`);
    const indices = new Set(roster.sites.map((s) => s.index));
    if (indices.size !== roster.sites.length || roster.sites.some((s) => s.index > roster.sites.length)) {
      throw invalid('expected roster indices 1..n, each once');
    }
    // a site listed twice would receive two share sets, one of them under keys of the coordinator's choosing
    if (new Set(roster.sites.map((s) => s.siteId)).size !== roster.sites.length) throw invalid('expected each site once in the roster');
    if (me.weight !== this.weight) throw invalid(`the roster gives this site weight ${me.weight}, it advertised ${this.weight}`);
    if (roster.threshold > roster.sites.length || roster.threshold <= roster.sites.length / 2) {
      throw invalid(`expected a threshold above half of the ${roster.sites.length} sites, found ${roster.threshold}`);
    }
    this.roster = roster;
    const n = roster.sites.length;
    const t = roster.threshold;
    const selfShares = splitSecret(this.selfSeed, n, t);
    const keyShares = splitSecret(await exportPrivateScalar(this.sKeys.privateKey), n, t);
    const sealed: SecAggShares['sealed'] = [];
    for (const site of roster.sites) {
      const plain = new Uint8Array(2 * SHARE_BYTES);
      plain.set(bigintToBytes(selfShares[site.index - 1]!.y, SHARE_BYTES), 0);
      plain.set(bigintToBytes(keyShares[site.index - 1]!.y, SHARE_BYTES), SHARE_BYTES);
      if (site.siteId === this.siteId) {
        this.held.set(this.siteId, { selfSeed: plain.slice(0, SHARE_BYTES), maskKey: plain.slice(SHARE_BYTES) });
        continue;
      }
      const shared = await agree(this.cKeys.privateKey, site.cPublic);
      sealed.push({ to: site.siteId, ...(await sealFor(shared, shareAad(this.round, this.siteId, site.siteId), plain)) });
    }
    this.phase = 'receive';
    return { siteId: this.siteId, sealed };
  }

  /** Open the shares other sites sealed for this one; their senders are this round's U2. */
  async receiveShares(msg: SecAggSharesFor): Promise<void> {
    this.expect('receive');
    const roster = this.roster!;
    if (msg.round !== this.round || msg.to !== this.siteId) throw invalid(`expected shares for ${this.siteId} in round ${this.round}`);
    for (const s of msg.sealed) {
      const from = roster.sites.find((x) => x.siteId === s.from);
      if (!from || from.siteId === this.siteId || this.held.has(s.from)) throw invalid(`unexpected shares from "${s.from}"`);
      const plain = await openFrom(await agree(this.cKeys.privateKey, from.cPublic), shareAad(this.round, s.from, this.siteId), s);
      if (plain.length !== 2 * SHARE_BYTES) throw invalid(`expected ${2 * SHARE_BYTES} bytes of shares from "${s.from}", found ${plain.length}`);
      this.held.set(s.from, { selfSeed: plain.slice(0, SHARE_BYTES), maskKey: plain.slice(SHARE_BYTES) });
    }
    this.participants = [...this.held.keys()];
    if (this.participants.length < roster.threshold) {
      throw new FedsegError('SECAGG_TOO_FEW', `secure aggregation: expected at least ${roster.threshold} sites with shares, found ${this.participants.length}`);
    }
    this.phase = 'mask';
  }

  /**
   * The masked upload: the update quantised to Z_(2^32) (weight and scale from the roster),
   * plus this site's self mask, plus/minus a pairwise mask with every other site in U2.
   * As bytes: uint32 little-endian, 4 per weight.
   */
  async maskedInput(update: WeightSet): Promise<Uint8Array> {
    this.expect('mask');
    const roster = this.roster!;
    // the field encoding would turn NaN into 0 without a word: refuse, as the codecs do
    for (const t of update) checkFinite(t.name, t.values, 'UPDATE', 'secure aggregation masked input');
    const values = flatten(update);
    const y = quantizeToField(values, this.weight, roster.scale, roster.clipRange);
    addInto(y, await selfMask(this.round, this.siteId, this.selfSeed, y.length));
    const myIndex = roster.sites.find((s) => s.siteId === this.siteId)!.index;
    for (const other of roster.sites) {
      if (other.siteId === this.siteId || !this.held.has(other.siteId)) continue;
      const mask = await pairMask(this.round, this.siteId, other.siteId, await agree(this.sKeys.privateKey, other.sPublic), y.length);
      if (myIndex < other.index) addInto(y, mask);
      else subtractInto(y, mask);
    }
    this.phase = 'unmask';
    return new Uint8Array(y.buffer);
  }

  /** Shares for the unmasking: self-mask seed shares of survivors, mask-key shares of the dropped. */
  unmask(req: SecAggUnmaskRequest): SecAggUnmaskResponse {
    this.expect('unmask');
    const roster = this.roster!;
    const survivors = new Set(req.survivors);
    const dropped = new Set(req.dropped);
    if (req.round !== this.round) throw invalid(`expected an unmask request for round ${this.round}, found ${req.round}`);
    if (!survivors.has(this.siteId)) throw invalid('this site is not among the survivors it is asked to unmask');
    for (const id of [...survivors, ...dropped]) {
      if (!this.held.has(id)) throw invalid(`asked about "${id}", which did not share keys with this site`);
      if (survivors.has(id) && dropped.has(id)) {
        throw new FedsegError('SECAGG_REFUSED', `secure aggregation: refusing to reveal both secrets of "${id}" (that would unmask its upload)`);
      }
    }
    if (survivors.size < roster.threshold) {
      throw new FedsegError('SECAGG_TOO_FEW', `secure aggregation: expected at least ${roster.threshold} survivors, found ${survivors.size}`);
    }
    this.phase = 'done';
    return {
      siteId: this.siteId,
      selfMaskShares: [...survivors].map((id) => ({ of: id, share: base64urlEncode(this.held.get(id)!.selfSeed) })),
      keyShares: [...dropped].map((id) => ({ of: id, share: base64urlEncode(this.held.get(id)!.maskKey) })),
    };
  }

  private expect(p: Phase): void {
    if (this.phase !== p) throw new FedsegError('SECAGG_PHASE', `secure aggregation client: expected phase ${p}, found ${this.phase}`);
  }
}

function invalid(message: string): FedsegError {
  return new FedsegError('SECAGG_INVALID', `secure aggregation: ${message}`);
}
