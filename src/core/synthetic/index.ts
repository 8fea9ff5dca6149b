export { syntheticCase, syntheticSiteCases, type SyntheticCaseOptions } from './syntheticCase.ts';
export { SITE_PROFILES, getSiteProfile, type SiteProfile } from './siteProfiles.ts';
export { TISSUES, TISSUE_CONTRASTS, type Tissue } from './tissueContrasts.ts';
export { REFERENCE_PROTOCOL, protocolTissueContrasts, scaleProtocol, type ProtocolContrast } from './protocolContrast.ts';
