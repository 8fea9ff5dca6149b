export { readNifti, readNiftiAsync, DEFAULT_MAX_BYTES, type NiftiVolume, type NiftiHeaderInfo, type ReadNiftiOptions } from './readNifti.ts';
export { writeNifti, writeNiftiLabels, type WriteNiftiOptions } from './writeNifti.ts';
export { isGzip } from './gunzipPrefix.ts';
export { NIFTI_DATATYPES } from './niftiDatatypes.ts';
