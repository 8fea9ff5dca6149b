/**
 * dcmjs (no bundled types) through one typed door: write a naturalized dataset to a
 * Part 10 file and read one back. Used by the DICOM SEG writer and by tests.
 */
import * as ns from 'dcmjs';

/** A dataset in dcmjs's "naturalized" form: keyword -> value (sequences as arrays of datasets). */
export type NaturalDataset = Record<string, unknown>;

interface DcmjsData {
  DicomMetaDictionary: {
    denaturalizeDataset(ds: NaturalDataset): unknown;
    naturalizeDataset(dict: unknown): NaturalDataset;
  };
  DicomDict: new (meta: unknown) => { dict: unknown; write(options?: unknown): ArrayBuffer };
  DicomMessage: { readFile(buffer: ArrayBuffer, options?: unknown): { meta: unknown; dict: unknown } };
}

const lib = ((ns as unknown as { default?: { data: DcmjsData } }).default ?? (ns as unknown as { data: DcmjsData }));
const data: DcmjsData = lib.data;

export const IMPLEMENTATION_CLASS_UID = '2.25.314159265358979323846264338327950288';

/** Writes a naturalized dataset as a DICOM Part 10 file with the given transfer syntax. */
export function writeDicomFile(dataset: NaturalDataset, transferSyntaxUid = '1.2.840.10008.1.2.1'): ArrayBuffer {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: transferSyntaxUid,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: 'fedseg',
  };
  const dict = new data.DicomDict(data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return dict.write();
}

/** Reads a Part 10 file into naturalized form (throws on unreadable input). */
export function readDicomFile(buffer: ArrayBuffer): NaturalDataset {
  return data.DicomMetaDictionary.naturalizeDataset(data.DicomMessage.readFile(buffer).dict);
}
