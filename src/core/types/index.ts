export * from './volume.ts';
export * from './labels.ts';
export * from './sequences.ts';
export * from './case.ts';
export * from './weights.ts';
