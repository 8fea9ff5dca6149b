export * from './mat4.ts';
export * from './orientation.ts';
export * from './reorient.ts';
export * from './resampleToGrid.ts';
