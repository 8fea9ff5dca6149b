/**
 * Text attributes (PN, LO, SH, ST, LT, UT) as the file wrote them: their bytes decoded
 * by (0008,0005) SpecificCharacterSet with TextDecoder, not read as Latin-1.
 * Character sets are data keyed by their DICOM defined term (PS3.3 C.12.1.1.2).
 *
 * One value: the whole text is decoded with that set. Several values ("\"-separated,
 * ISO 2022 code extensions): value 1 (empty = the default repertoire) decodes the text up
 * to the first escape sequence, and each escape sequence of a known set switches to that
 * set until the next one. Not handled: a set invoked without an escape sequence (locking
 * shifts SO/SI, single shifts), and the return to value 1 before "^", "=" and line ends
 * when the writer left out the escape sequence back (conforming writers put it in).
 * An escape sequence fedseg does not know is left out, the text after it decoded with
 * the set in use; an unknown defined term is read as Latin-1. Text under the default
 * repertoire (no value, or ISO_IR 6) that holds valid UTF-8 beyond ASCII is read as UTF-8,
 * since that is what writers which leave the attribute out usually wrote; other bytes
 * beyond ASCII are read as Latin-1. The escape sequence, the unknown term and the UTF-8
 * reading are said in `warnings`.
 */
import type { DataSet } from 'dicom-parser';
import { TAG } from './dicomTags.ts';

export interface CharacterSet {
  /** the TextDecoder label (WHATWG Encoding names; "latin1" is windows-1252 there) */
  readonly encoding: string;
  /** ISO 2022 escape sequences that invoke the set (code extensions) */
  readonly escapes?: readonly string[];
  /** 7-bit double-byte codes, re-coded as EUC after this lead byte before decoding */
  readonly eucLead?: number;
}

const single = (encoding: string): CharacterSet => ({ encoding });
const iso2022 = (encoding: string, ...escapes: string[]): CharacterSet => ({ encoding, escapes });

/** DICOM defined terms of SpecificCharacterSet -> how their bytes are decoded. */
export const CHARACTER_SETS: Readonly<Record<string, CharacterSet>> = {
  // no value: the default repertoire (ASCII); Latin-1 reads it and is lenient beyond it
  '': single('latin1'),
  'ISO_IR 6': single('latin1'),
  'ISO_IR 100': single('latin1'),
  'ISO_IR 101': single('iso-8859-2'),
  'ISO_IR 109': single('iso-8859-3'),
  'ISO_IR 110': single('iso-8859-4'),
  'ISO_IR 144': single('iso-8859-5'),
  'ISO_IR 127': single('iso-8859-6'),
  'ISO_IR 126': single('iso-8859-7'),
  'ISO_IR 138': single('iso-8859-8'),
  'ISO_IR 148': single('iso-8859-9'),
  'ISO_IR 203': single('iso-8859-15'),
  'ISO_IR 13': single('shift_jis'),
  'ISO_IR 166': single('tis-620'),
  'ISO_IR 192': single('utf-8'),
  GB18030: single('gb18030'),
  GBK: single('gbk'),
  // with code extensions (ISO 2022)
  'ISO 2022 IR 6': iso2022('latin1', '\x1b(B'),
  'ISO 2022 IR 100': iso2022('latin1', '\x1b-A'),
  'ISO 2022 IR 101': iso2022('iso-8859-2', '\x1b-B'),
  'ISO 2022 IR 109': iso2022('iso-8859-3', '\x1b-C'),
  'ISO 2022 IR 110': iso2022('iso-8859-4', '\x1b-D'),
  'ISO 2022 IR 144': iso2022('iso-8859-5', '\x1b-L'),
  'ISO 2022 IR 127': iso2022('iso-8859-6', '\x1b-G'),
  'ISO 2022 IR 126': iso2022('iso-8859-7', '\x1b-F'),
  'ISO 2022 IR 138': iso2022('iso-8859-8', '\x1b-H'),
  'ISO 2022 IR 148': iso2022('iso-8859-9', '\x1b-M'),
  'ISO 2022 IR 203': iso2022('iso-8859-15', '\x1b-b'),
  'ISO 2022 IR 166': iso2022('tis-620', '\x1b-T'),
  // JIS X 0201: katakana in G1 (ESC ) I), romaji in G0 (ESC ( J)
  'ISO 2022 IR 13': iso2022('shift_jis', '\x1b)I', '\x1b(J'),
  // JIS X 0208 kanji: iso-2022-jp reads the escape sequence and the 7-bit codes after it
  'ISO 2022 IR 87': iso2022('iso-2022-jp', '\x1b$B'),
  // JIS X 0212 supplementary kanji: unknown to iso-2022-jp, known to EUC-JP (after 0x8F)
  'ISO 2022 IR 159': { encoding: 'euc-jp', escapes: ['\x1b$(D'], eucLead: 0x8f },
  // KS X 1001 and GB 2312 in G1: the bytes after the escape sequence are EUC-KR / EUC-CN
  'ISO 2022 IR 149': iso2022('euc-kr', '\x1b$)C'),
  'ISO 2022 IR 58': iso2022('gb2312', '\x1b$)A'),
};

/** escape sequence -> the set it invokes */
const BY_ESCAPE = new Map(Object.values(CHARACTER_SETS).flatMap((cs) => (cs.escapes ?? []).map((e) => [e, cs] as const)));

const decoders = new Map<string, TextDecoder>();
function decoderFor(encoding: string): TextDecoder {
  let d = decoders.get(encoding);
  if (!d) decoders.set(encoding, (d = new TextDecoder(encoding)));
  return d;
}

/** 7-bit double-byte codes -> EUC: each pair after `lead`, each byte with its high bit set. */
function eucCodes(bytes: Uint8Array, lead: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) out.push(lead, bytes[i]! | 0x80, bytes[i + 1]! | 0x80);
  return Uint8Array.from(out);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `bytes` as UTF-8 when they hold a byte beyond 7-bit ASCII and are valid UTF-8; null
 * otherwise. Latin-1 text with accents is almost never valid UTF-8 by chance: an accented
 * letter would have to be followed by bytes 0x80-0xBF, which Latin-1 spends on control
 * codes and symbols (NBSP, ©, °, ¿), so "Jérôme" stays Latin-1 and "Jérôme" written as
 * UTF-8 is read as such.
 */
function utf8Beyond7Bit(bytes: Uint8Array): string | null {
  if (!bytes.some((b) => b >= 0x80)) return null;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

function decodeWith(cs: CharacterSet, bytes: Uint8Array): string {
  return decoderFor(cs.encoding).decode(cs.eucLead === undefined ? bytes : eucCodes(bytes, cs.eucLead));
}

/** "ISO-IR 192", "iso_ir 192", "ISO IR 100" -> "ISO_IR 192" (misspellings seen in files). */
function definedTerm(value: string): string {
  const v = value.trim().toUpperCase();
  return /^ISO[-_ ]IR ?\d+$/.test(v) ? v.replace(/^ISO[-_ ]IR ?/, 'ISO_IR ') : v;
}

/** Decodes the text of one dataset; `warnings` says what could not be decoded as the file declared. */
export interface TextDecoding {
  readonly warnings: string[];
  decode(bytes: Uint8Array): string;
}

/** The decoder for text under one (0008,0005) SpecificCharacterSet value (multi-valued: "\"-separated). */
export function textDecoding(specificCharacterSet: string): TextDecoding {
  const warnings: string[] = [];
  const warn = (w: string) => {
    if (!warnings.includes(w)) warnings.push(w);
  };
  const terms = specificCharacterSet.split('\\').map(definedTerm);
  const sets = terms.map((t) => {
    const cs = CHARACTER_SETS[t];
    if (!cs) {
      const known = Object.keys(CHARACTER_SETS).filter(Boolean).join(', ');
      warn(`SpecificCharacterSet "${t}" is not a character set fedseg knows (known: ${known}); its text was read as Latin-1`);
    }
    return cs;
  });
  const base = sets[0] ?? CHARACTER_SETS['']!;
  const extended = terms.length > 1 || base.escapes !== undefined;
  const declared = terms.join('\\');
  // the default repertoire is 7-bit ASCII; writers that leave SpecificCharacterSet out often write UTF-8
  const defaultRepertoire = terms.length === 1 && (terms[0] === '' || terms[0] === 'ISO_IR 6');
  return {
    warnings,
    decode(bytes) {
      if (defaultRepertoire) {
        const text = utf8Beyond7Bit(bytes);
        if (text !== null) {
          warn(`text with ${declared ? `SpecificCharacterSet "${declared}"` : 'no SpecificCharacterSet'} (7-bit ASCII) holds bytes beyond ASCII that are valid UTF-8; it was read as UTF-8 (ISO_IR 192), as the writer most likely meant`);
          return text;
        }
      }
      if (!extended || !bytes.includes(0x1b)) return decodeWith(base, bytes);
      let out = '';
      let cs = base;
      let start = 0;
      let esc = bytes.indexOf(0x1b);
      while (esc >= 0) {
        out += decodeWith(cs, bytes.subarray(start, esc));
        // an ISO 2022 escape sequence: ESC, intermediate bytes 0x20-0x2F, one final byte
        let end = esc + 1;
        while (end < bytes.length && bytes[end]! >= 0x20 && bytes[end]! <= 0x2f) end++;
        end = Math.min(end + 1, bytes.length);
        const sequence = String.fromCharCode(...bytes.subarray(esc, end));
        const next = BY_ESCAPE.get(sequence);
        if (next) cs = next;
        else warn(`text under SpecificCharacterSet "${declared}" holds an escape sequence fedseg does not know (ESC ${sequence.slice(1)}); it was left out and the text after it may be wrong`);
        // iso-2022-jp reads its escape sequence itself
        start = next?.encoding === 'iso-2022-jp' ? esc : end;
        esc = bytes.indexOf(0x1b, end);
      }
      return out + decodeWith(cs, bytes.subarray(start));
    },
  };
}

/** The decoder for the text of one dataset, from its (0008,0005). */
export function datasetTextDecoding(ds: DataSet): TextDecoding {
  return textDecoding(ds.string(TAG.SpecificCharacterSet) ?? '');
}

/** One text attribute decoded, padding (NULs, spaces) trimmed; '' when absent. */
export function readText(ds: DataSet, tag: string, decoding: TextDecoding): string {
  const el = ds.elements[tag];
  if (!el || !el.length) return '';
  const bytes = ds.byteArray.subarray(el.dataOffset, Math.min(el.dataOffset + el.length, ds.byteArray.length));
  return decoding.decode(bytes).replace(/\0+$/, '').trim();
}
