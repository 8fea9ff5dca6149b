import { describe, expect, it } from 'vitest';
import { CHARACTER_SETS, textDecoding } from './characterSets.ts';

/** bytes of a string whose characters are all below 256 (escape sequences written as \x1b) */
const raw = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('textDecoding', () => {
  it('decodes single-byte and Unicode sets by SpecificCharacterSet', () => {
    expect(textDecoding('ISO_IR 192').decode(utf8('Müller^Jürgen'))).toBe('Müller^Jürgen');
    expect(textDecoding('ISO_IR 100').decode(raw('M\xfcller^J\xfcrgen'))).toBe('Müller^Jürgen');
    expect(textDecoding('ISO_IR 144').decode(raw('\xb8\xd2\xd0\xdd\xde\xd2^\xb8\xd2\xd0\xdd'))).toBe('Иванов^Иван');
    expect(textDecoding('GB18030').decode(raw('\xd5\xc5\xc8\xfd'))).toBe('张三');
    expect(textDecoding('ISO_IR 13').decode(raw('\xd4\xcf\xc0\xde'))).toBe('ﾔﾏﾀﾞ');
    // no SpecificCharacterSet: the default repertoire, read leniently as Latin-1
    expect(textDecoding('').decode(raw('Smith^J\xe9r\xf4me'))).toBe('Smith^Jérôme');
    // a misspelt defined term is still recognised
    expect(textDecoding('ISO-IR 192').decode(utf8('Żółć'))).toBe('Żółć');
    for (const cs of [textDecoding('ISO_IR 192'), textDecoding('')]) expect(cs.warnings).toEqual([]);
  });

  it('reads UTF-8 under the default repertoire (no SpecificCharacterSet, or ISO_IR 6) as UTF-8, and says so', () => {
    for (const term of ['', 'ISO_IR 6']) {
      const cs = textDecoding(term);
      expect(cs.decode(utf8('Müller^Jürgen'))).toBe('Müller^Jürgen');
      expect(cs.decode(utf8('张三'))).toBe('张三');
      expect(cs.warnings).toHaveLength(1);
      expect(cs.warnings[0]).toMatch(/valid UTF-8; it was read as UTF-8 \(ISO_IR 192\)/);
      expect(cs.warnings[0]).toContain(term ? 'SpecificCharacterSet "ISO_IR 6"' : 'no SpecificCharacterSet');
    }
    // Latin-1 bytes that are not valid UTF-8 stay Latin-1, without a warning; so does ASCII
    const latin = textDecoding('');
    expect(latin.decode(raw('Smith^J\xe9r\xf4me'))).toBe('Smith^Jérôme');
    expect(latin.decode(raw('DOE^JOHN'))).toBe('DOE^JOHN');
    expect(latin.warnings).toEqual([]);
    // a declared Latin-1 is never second-guessed, even when its bytes would be valid UTF-8
    expect(textDecoding('ISO_IR 100').decode(utf8('ü'))).toBe('Ã¼');
  });

  it('every defined term names a decoder this runtime has', () => {
    for (const [term, cs] of Object.entries(CHARACTER_SETS)) expect(() => new TextDecoder(cs.encoding), term).not.toThrow();
  });

  it('follows ISO 2022 escape sequences: Japanese (PS3.5 H.3.1, H.3.2)', () => {
    const kanji = textDecoding('\\ISO 2022 IR 87');
    const pn = 'Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B';
    expect(kanji.decode(raw(pn))).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
    const kana = textDecoding('ISO 2022 IR 13\\ISO 2022 IR 87');
    const pn2 = '\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B;3ED\x1b(J^\x1b$BB@O:\x1b(J=\x1b$B$d$^$@\x1b(J^\x1b$B$?$m$&\x1b(J';
    expect(kana.decode(raw(pn2))).toBe('ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう');
    // JIS X 0212 (supplementary kanji): 0x3021 is 丂
    expect(textDecoding('\\ISO 2022 IR 159').decode(raw('A\x1b$(D0!\x1b(BB'))).toBe('A丂B');
    expect(kanji.warnings).toEqual([]);
  });

  it('follows ISO 2022 escape sequences: Korean (PS3.5 I.2)', () => {
    const pn = 'Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf';
    expect(textDecoding('\\ISO 2022 IR 149').decode(raw(pn))).toBe('Hong^Gildong=洪^吉洞=홍^길동');
  });

  it('reads an unknown character set as Latin-1 and says so, naming it', () => {
    const cs = textDecoding('ISO_IR 999');
    expect(cs.decode(raw('M\xfcller'))).toBe('Müller');
    expect(cs.warnings).toHaveLength(1);
    expect(cs.warnings[0]).toMatch(/SpecificCharacterSet "ISO_IR 999" is not a character set fedseg knows \(known: .*ISO_IR 192.*\); its text was read as Latin-1/);
  });

  it('leaves out an escape sequence it does not know, and says so', () => {
    const cs = textDecoding('\\ISO 2022 IR 100');
    expect(cs.decode(raw('ab\x1b-Zcd\x1b-A\xe9'))).toBe('abcdé');
    expect(cs.warnings).toHaveLength(1);
    expect(cs.warnings[0]).toMatch(/escape sequence fedseg does not know \(ESC -Z\)/);
  });
});
