/** The whole secure-aggregation flow, in process, with small vectors. */
import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { specOf } from '../protocol/weightSpec.ts';
import { flatten } from '../codecs/payloadBytes.ts';
import { randomWeights } from '../aggregation/testWeights.ts';
import { weightedMean } from '../aggregation/weightMath.ts';
import { addInto, dequantizeSum, quantizeToField } from './fieldQuantize.ts';
import { SecAggClient } from './secAggClient.ts';
import { SecAggServer } from './secAggServer.ts';

const SHAPES = [[4, 5], [7], [3, 3]];
const spec = specOf(randomWeights(0, 1, SHAPES));
const ROUND = 3;

interface Site {
  client: SecAggClient;
  update: WeightSet;
}

async function setUp(weights: number[], opts: { thresholdFraction?: number } = {}) {
  const server = new SecAggServer({ round: ROUND, spec, clipRange: 0.5, thresholdFraction: opts.thresholdFraction ?? 0.6 });
  const sites: Site[] = [];
  for (let i = 0; i < weights.length; i++) {
    const client = await SecAggClient.create(`site-${i}`, ROUND, weights[i]!);
    sites.push({ client, update: randomWeights(10 + i, 0.1, SHAPES) });
    server.addAdvertise(await client.advertise());
  }
  const roster = server.roster();
  for (const s of sites) server.addShares(await s.client.shareKeys(roster));
  for (const s of sites) await s.client.receiveShares(server.sharesFor(s.client.siteId));
  return { server, sites, roster };
}

/** What the sum must be: the plain fixed-point sum of the uploaders' updates. */
function plainSum(sites: readonly Site[], scale: number): Float32Array {
  const sum = new Uint32Array(flatten(sites[0]!.update).length);
  for (const s of sites) addInto(sum, quantizeToField(flatten(s.update), s.client.weight, scale, 0.5));
  return dequantizeSum(sum, scale, sites.reduce((a, s) => a + s.client.weight, 0));
}

async function unmaskAndFinish(server: SecAggServer, answering: readonly Site[]) {
  const req = server.unmaskRequest();
  for (const s of answering) server.addUnmaskResponse(s.client.unmask(req));
  return server.finish();
}

describe('secure aggregation', () => {
  it('the unmasked sum equals the plain quantised weighted sum exactly (4 sites)', async () => {
    const { server, sites, roster } = await setUp([10, 20, 5, 7]);
    for (const s of sites) server.addMaskedInput(s.client.siteId, await s.client.maskedInput(s.update));
    const result = await unmaskAndFinish(server, sites);
    expect(result.dropped).toEqual([]);
    expect(Array.from(flatten(result.meanDelta))).toEqual(Array.from(plainSum(sites, roster.scale)));
    // and that is weighted FedAvg up to quantisation
    const fedavg = flatten(weightedMean(sites.map((s) => s.update), [10, 20, 5, 7]));
    flatten(result.meanDelta).forEach((x, i) => expect(Math.abs(x - fedavg[i]!)).toBeLessThan(1e-6));
  });

  it('uses the whole field without wrapping: every site at the clip (or past it) gives exactly the clip', async () => {
    for (const value of [0.5, -0.5, 7, -7]) {
      // unequal weights and values past the clip range (0.5): the sum sits at the edge of the field
      const { server, sites } = await setUp([1, 1000, 37, 5]);
      const at = (w: WeightSet): WeightSet => w.map((t) => ({ ...t, values: new Float32Array(t.values.length).fill(value) }));
      for (const s of sites) server.addMaskedInput(s.client.siteId, await s.client.maskedInput(at(s.update)));
      const result = await unmaskAndFinish(server, sites);
      const clipped = Math.sign(value) * 0.5;
      for (const x of flatten(result.meanDelta)) expect(Math.abs(x - clipped)).toBeLessThan(1e-6);
    }
  });

  it('a site that drops before uploading is unmasked from the survivors\' shares', async () => {
    const { server, sites, roster } = await setUp([3, 1, 4, 1]);
    const survivors = sites.filter((_, i) => i !== 1);
    for (const s of survivors) server.addMaskedInput(s.client.siteId, await s.client.maskedInput(s.update));
    const result = await unmaskAndFinish(server, survivors);
    expect(result.dropped).toEqual(['site-1']);
    expect(result.totalWeight).toBe(8);
    expect(Array.from(flatten(result.meanDelta))).toEqual(Array.from(plainSum(survivors, roster.scale)));
  });

  it('a site that drops after uploading its masked vector still counts; threshold answers suffice', async () => {
    const { server, sites, roster } = await setUp([2, 2, 2, 2]);
    for (const s of sites) server.addMaskedInput(s.client.siteId, await s.client.maskedInput(s.update));
    // site-3 goes away before the unmask request: 3 answers >= threshold ceil(0.6 * 4) = 3
    const result = await unmaskAndFinish(server, sites.slice(0, 3));
    expect(result.survivors).toHaveLength(4);
    expect(Array.from(flatten(result.meanDelta))).toEqual(Array.from(plainSum(sites, roster.scale)));
  });

  it('a masked upload taken back before the unmask request makes its site one of the dropped, its update unrevealed', async () => {
    const { server, sites, roster } = await setUp([3, 1, 4, 1]);
    const masked = await Promise.all(sites.map((s) => s.client.maskedInput(s.update)));
    sites.forEach((s, i) => server.addMaskedInput(s.client.siteId, masked[i]!));
    server.withdrawMaskedInput('site-2', masked[2]!);
    expect(server.uploads).toBe(3);
    const others = sites.filter((_, i) => i !== 2);
    const req = server.unmaskRequest();
    expect(req.dropped).toEqual(['site-2']);
    // the survivors answer with site-2's mask key shares, not its self mask's
    const answers = others.map((s) => s.client.unmask(req));
    expect(answers.every((a) => a.keyShares.map((k) => k.of).join() === 'site-2' && !a.selfMaskShares.some((k) => k.of === 'site-2'))).toBe(true);
    for (const a of answers) server.addUnmaskResponse(a);
    const result = await server.finish();
    expect(result.survivors).toEqual(['site-0', 'site-1', 'site-3']);
    expect(result.totalWeight).toBe(5);
    expect(Array.from(flatten(result.meanDelta))).toEqual(Array.from(plainSum(others, roster.scale)));
    // only uploads held can be taken back, and only before the unmask request
    expect(() => server.withdrawMaskedInput('site-2', masked[2]!)).toThrow(FedsegError);
  });

  it('refuses an unmask response with a malformed share on its own, and unmasks exactly from the good ones', async () => {
    const { server, sites, roster } = await setUp([1, 2, 3, 4]);
    for (const s of sites) server.addMaskedInput(s.client.siteId, await s.client.maskedInput(s.update));
    const req = server.unmaskRequest();
    const good = sites.slice(0, 3).map((s) => s.client.unmask(req));
    const bad = sites[3]!.client.unmask(req);
    const tooShort = { ...bad, selfMaskShares: bad.selfMaskShares.map((x, i) => (i === 0 ? { ...x, share: 'AA' } : x)) };
    const aboveField = { ...bad, selfMaskShares: bad.selfMaskShares.map((x, i) => (i === 0 ? { ...x, share: 'B'.repeat(88) } : x)) };
    server.addUnmaskResponse(good[0]!);
    for (const r of [tooShort, aboveField]) {
      expect(() => server.addUnmaskResponse(r)).toThrow(expect.objectContaining({ code: 'SECAGG_INVALID', message: expect.stringContaining('from "site-3" as 66 bytes') }));
    }
    server.addUnmaskResponse(good[1]!);
    server.addUnmaskResponse(good[2]!);
    const result = await server.finish();
    expect(Array.from(flatten(result.meanDelta))).toEqual(Array.from(plainSum(sites, roster.scale)));
  });

  it('individual masked uploads look uniformly random; a non-finite update is refused, not masked as zeros', async () => {
    const big = [[2000]];
    const bigSpec = specOf(randomWeights(0, 1, big));
    const server = new SecAggServer({ round: 1, spec: bigSpec, clipRange: 0.5, thresholdFraction: 0.6 });
    const clients = await Promise.all([0, 1, 2].map((i) => SecAggClient.create(`s${i}`, 1, 1)));
    for (const c of clients) server.addAdvertise(await c.advertise());
    const roster = server.roster();
    for (const c of clients) server.addShares(await c.shareKeys(roster));
    for (const c of clients) await c.receiveShares(server.sharesFor(c.siteId));
    const zero: WeightSet = [{ name: 'w0', shape: [2000], values: new Float32Array(2000) }];
    const bytes = await clients[0]!.maskedInput(zero);
    const diverged: WeightSet = [{ name: 'w0', shape: [2000], values: new Float32Array(2000).fill(Number.NaN) }];
    await expect(clients[1]!.maskedInput(diverged)).rejects.toThrow(/w0/); // not uploaded as zeros
    const hist = new Array<number>(256).fill(0);
    for (const b of bytes) hist[b]!++;
    const expected = bytes.length / 256;
    const chi2 = hist.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(360); // 255 degrees of freedom: mean 255, sd 22.6; p ~ 3e-5
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const mean = words.reduce((s, w) => s + w, 0) / words.length;
    const sd = 2 ** 32 / Math.sqrt(12) / Math.sqrt(words.length);
    expect(Math.abs(mean - 2 ** 31)).toBeLessThan(5 * sd);
  });

  it('a site refuses to reveal both secrets of one site, and the server refuses duplicates and strangers', async () => {
    const { server, sites } = await setUp([1, 1, 1]);
    for (const s of sites) server.addMaskedInput(s.client.siteId, await s.client.maskedInput(s.update));
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as FedsegError).code;
      }
      return 'none';
    };
    expect(code(() => server.addMaskedInput('site-0', new Uint8Array(4 * 36)))).toBe('SECAGG_DUPLICATE');
    expect(code(() => server.addMaskedInput('site-9', new Uint8Array(4 * 36)))).toBe('SECAGG_NOT_IN_ROUND');
    expect(code(() => sites[0]!.client.unmask({ round: ROUND, survivors: ['site-0', 'site-1', 'site-2'], dropped: ['site-1'] }))).toBe('SECAGG_REFUSED');
  });

  it('refuses a round with too few sites and a tampered sealed share', async () => {
    const server = new SecAggServer({ round: 0, spec, clipRange: 0.5, thresholdFraction: 0.6 });
    const lone = await SecAggClient.create('a', 0, 1);
    server.addAdvertise(await lone.advertise());
    expect(() => server.roster()).toThrow(FedsegError);

    const s2 = new SecAggServer({ round: 0, spec, clipRange: 0.5, thresholdFraction: 0.6 });
    const a = await SecAggClient.create('a', 0, 1);
    const b = await SecAggClient.create('b', 0, 1);
    s2.addAdvertise(await a.advertise());
    s2.addAdvertise(await b.advertise());
    const roster = s2.roster();
    s2.addShares(await a.shareKeys(roster));
    s2.addShares(await b.shareKeys(roster));
    const forB = s2.sharesFor('b');
    const ct = forB.sealed[0]!.ciphertext;
    const tampered = { ...forB, sealed: [{ ...forB.sealed[0]!, ciphertext: (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1) }] };
    await expect(b.receiveShares(tampered)).rejects.toThrow(/altered/);
  });

  it('a site refuses a roster that lists a site twice or gives it another weight than it advertised', async () => {
    const server = new SecAggServer({ round: 0, spec, clipRange: 0.5, thresholdFraction: 0.6 });
    const clients = await Promise.all(['a', 'b', 'c'].map((id) => SecAggClient.create(id, 0, 2)));
    for (const c of clients) server.addAdvertise(await c.advertise());
    const roster = server.roster();
    const b = roster.sites[1]!;
    const twice = { ...roster, sites: [...roster.sites, { ...b, index: 4 }], threshold: 3 };
    await expect(clients[0]!.shareKeys(twice)).rejects.toThrow('expected each site once in the roster');
    const reweighed = { ...roster, sites: roster.sites.map((s) => (s.siteId === 'a' ? { ...s, weight: 5 } : s)) };
    await expect(clients[0]!.shareKeys(reweighed)).rejects.toThrow('the roster gives this site weight 5, it advertised 2');
    await expect(clients[0]!.shareKeys(roster)).resolves.toMatchObject({ siteId: 'a' });
  });
});
