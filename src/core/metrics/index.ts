export { dice } from './dice.ts';
export { squaredDistanceTransform } from './distanceTransform.ts';
export { hd95, percentile, surfaceDistances, maskBoundingBox } from './surfaceDistances.ts';
export { regionMetrics, regionMasks, HD95_MAX_MM, type RegionMetrics } from './regionMetrics.ts';
export { regionVolumes } from './regionVolumes.ts';
