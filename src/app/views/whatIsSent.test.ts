import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../core/protocol/plan.ts';
import { LocalMetricsSchema } from '../../core/protocol/messages.ts';
import { whatIsSent } from './whatIsSent.ts';

describe('whatIsSent: the consent text of the join page', () => {
  it('names every local training metric the update carries, and the backend the join names', () => {
    const text = whatIsSent(parsePlan({}, 'plan.json')).join('\n');
    // LocalMetricsSchema's fields, in the words of the page
    const words: Record<string, string> = { steps: 'number of training steps', meanLoss: 'mean and last training loss', lastLoss: 'last training loss', durationMs: 'how long training took' };
    for (const key of Object.keys(LocalMetricsSchema.shape)) expect(text, key).toContain(words[key]);
    expect(text).toContain('TensorFlow.js backend');
    expect(text).toContain('at most 100000');
    expect(text).toContain('reads as it is');
    // the stop a closing tab sends is said, and that the ledger cannot show it
    expect(text).toContain('this tab is closed or reloaded while the site takes part');
    expect(text).toContain('cannot be listed in the Privacy ledger');
  });

  it('says that differential privacy is applied by the coordinator, after it received the update', () => {
    const text = whatIsSent(parsePlan({ privacy: { dp: { enabled: true, epsilon: 4 } } }, 'plan.json')).join('\n');
    expect(text).toContain('at the coordinator');
    expect(text).toContain('the coordinator itself receives the update before clipping and noise');
    expect(text).not.toMatch(/each update is clipped/);
  });

  it('under secure aggregation, that the update is masked and what else the key exchange sends', () => {
    const text = whatIsSent(parsePlan({ privacy: { secureAggregation: { enabled: true } } }, 'plan.json')).join('\n');
    expect(text).toContain('masked by secure aggregation');
    expect(text).toContain('encrypted shares');
    expect(text).not.toContain('reads as it is');
    // secureUpload sends the weight, keys, shares and the masked input: no losses or times
    expect(text).toContain('its weight in the sum');
    expect(text).toContain('to the other sites of the round');
    expect(text).toContain('With only two sites in a round');
    expect(text).not.toContain('training loss');
  });

  it('says what every request carries anyway, where the code comes from, and when scores stay at the site', () => {
    const text = whatIsSent(parsePlan({ validation: { minReportCases: 3 } }, 'plan.json')).join('\n');
    expect(text).toContain("network address and its standard headers");
    expect(text).toContain('served by the coordinator');
    expect(text).toContain('when there are at least 3 of them; over fewer, the scores are shown here and not sent');
  });
});
