import { describe, expect, it } from 'vitest';
import { DEMO_PLAN } from '../../core/protocol/plan.ts';
import { operatorStatusFixture as status, siteEntry } from '../../core/protocol/testing/operatorStatusFixture.ts';
import { protectionLine, roundSummary, siteThisRound } from './operatorText.ts';

describe('the operator dashboard\'s sentences', () => {
  it('says where the round stands and when its deadline is, or that it passed', () => {
    expect(roundSummary(status(), 70_000 - 340_000)).toBe(
      'Round 2 of 3: collecting updates; 1 of 3 sites taking part sent an update (at least 2 needed), deadline in 5 min 40 s.',
    );
    expect(roundSummary(status({}, { expectedSites: 1, state: 'open', reportedSites: 0 }), 250_000)).toBe(
      'Round 2 of 3: open, no update yet; 0 of 1 site taking part sent an update (at least 2 needed), deadline passed 3 min ago.',
    );
    expect(roundSummary(status({}, { finished: true, rounds: 3 }), 0)).toMatch(/^Finished: all 3 rounds closed\. The final model is bbbbbbbbbbbb… \(fedseg export-model/);
  });

  it('names the strategy, robust rule, codec, secure aggregation and the privacy budget spent', () => {
    expect(protectionLine(status())).toBe('Aggregation fedavg; updates sent as float32; secure aggregation off; differential privacy off.');
    const plan = { ...DEMO_PLAN, aggregation: { ...DEMO_PLAN.aggregation, robust: { rule: 'median' as const, options: {} } }, privacy: { ...DEMO_PLAN.privacy, dp: { enabled: true, epsilon: 4, delta: 1e-5, clipNorm: 1 } } };
    expect(protectionLine(status({ plan, epsilonSpent: 1.234 }))).toBe(
      `Aggregation fedavg, robust rule median; updates sent as float32; secure aggregation off; differential privacy: ε spent 1.23 of 4 (δ 0.00001) over the ${plan.rounds} planned rounds.`,
    );
  });

  it('says whether the current round has a site\'s update, and nothing of sites that cannot send one', () => {
    const s = status();
    expect(['a', 'b'].map((id) => siteThisRound(s, siteEntry(id)))).toEqual(['waited for', 'update received']);
    expect(siteThisRound(s, siteEntry('d', 'invited'))).toBe('–');
    expect(siteThisRound(s, siteEntry('e', 'revoked'))).toBe('–');
    const secure = { ...DEMO_PLAN, privacy: { ...DEMO_PLAN.privacy, secureAggregation: { ...DEMO_PLAN.privacy.secureAggregation, enabled: true } } };
    expect(siteThisRound(status({ plan: secure }), siteEntry('b'))).toBe('not known (secure aggregation)');
    expect(siteThisRound(status({}, { finished: true }), siteEntry('b'))).toBe('finished');
    // a site that pressed Stop is not waited for; one that sent its update first still counts
    expect(siteThisRound(s, siteEntry('a', 'active', 5))).toBe('stopped taking part: not waited for');
    expect(siteThisRound(s, siteEntry('b', 'active', 5))).toBe('update received; then stopped taking part');
  });
});
