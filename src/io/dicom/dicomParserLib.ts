/**
 * dicom-parser ships a UMD bundle: Node's ESM loader sees only a default export, Vite
 * and TypeScript see named ones. This gives the same object to both.
 */
import * as ns from 'dicom-parser';

type DicomParserLib = typeof ns;
export const dicomParser: DicomParserLib = (ns as unknown as { default?: DicomParserLib }).default ?? ns;
