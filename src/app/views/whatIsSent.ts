import type { Plan } from '../../worker/workerApi.ts';

/**
 * What leaves the site, in words: every field of the join request, the update envelope and
 * the metrics report (src/core/protocol/messages.ts), and who adds the privacy protections.
 */
export function whatIsSent(plan: Plan): string[] {
  const secure = plan.privacy.secureAggregation.enabled;
  const dp = plan.privacy.dp;
  const update = secure
    ? `a model update (the change of the ${plan.model.preset} model's weights), masked by secure aggregation so that the coordinator can only learn the sum over all sites, with this round's key-agreement public keys and, for the other sites, encrypted shares of this site's masking secrets`
    : `a model update (the change of the ${plan.model.preset} model's weights, encoded as ${plan.codec.name}), which the coordinator reads as it is`;
  return [
    `Once: this browser's public key (ECDSA P-256), and that it is a browser with the TensorFlow.js backend it trains on (for example "webgpu"). The private key is created here, cannot be exported, and stays in this browser.`,
    `Each round: ${update}.`,
    secure
      ? `Each round, with the update: its weight in the sum (${plan.aggregation.weighting === 'equal' ? '1 for every site' : `how many training cases it came from, at most ${plan.limits.maxSampleCount}`}), which the coordinator passes on, with this site's id, to the other sites of the round. With only two sites in a round, each can work out the other's update from the new global model: secure aggregation hides an update from the coordinator, not from a lone partner.`
      : `Each round, with the update: how many training cases it came from (at most ${plan.limits.maxSampleCount}), the number of training steps, the mean and last training loss, and how long training took.`,
    `Each round: the global model's mean Dice and HD95 on this site's validation cases, and the number of those cases, when there are at least ${plan.validation.minReportCases} of them; over fewer, the scores are shown here and not sent.`,
    `When Stop is pressed, or this tab is closed or reloaded while the site takes part: that the site stopped taking part, so that the rounds do not wait for it. Sent as the tab closes, that request cannot be listed in the Privacy ledger.`,
    `Never: images, voxels, file names, DICOM tags or patient identifiers.`,
    `Like any web page, the browser also sends this computer's network address and its standard headers (browser name and version, language); the coordinator does not keep them.`,
    `This page's code is served by the coordinator, so these promises hold for the code it serves; the Privacy ledger tab lists every request the page made while it was open (all but the one a closing tab sends, above). A site that must check the code can take part with the command-line site (fedseg collaborate) from a build it has verified.`,
    ...(dp.enabled
      ? [`Differential privacy is on, at the coordinator: it clips each site's update to L2 norm ${dp.clipNorm} and adds Gaussian noise to their sum, for a total ε = ${dp.epsilon}, δ = ${dp.delta} over the planned rounds. This protects the site in the models the federation publishes; the coordinator itself receives the update before clipping and noise.`]
      : []),
  ];
}
