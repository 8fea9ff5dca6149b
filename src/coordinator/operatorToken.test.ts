import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOperatorToken, OPERATOR_TOKEN_FILE, operatorTokenFor } from './operatorToken.ts';
import { tempDir } from './testing/testFederation.ts';

const dir = tempDir('fedseg-token-');
afterAll(() => dir.remove());

describe('operatorTokenFor', () => {
  it('makes the token once, owner-only, with no temporary file left; keeps it after; tightens a copied file', () => {
    const made = operatorTokenFor(dir.path);
    expect(made).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readdirSync(dir.path)).toEqual([OPERATOR_TOKEN_FILE]);
    expect(operatorTokenFor(dir.path)).toBe(made);
    const file = join(dir.path, OPERATOR_TOKEN_FILE);
    chmodSync(file, 0o644); // as a copy or an archive may leave it
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(operatorTokenFor(dir.path)).toBe(made);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, '');
    expect(() => operatorTokenFor(dir.path)).toThrow(`${file}: expected 43 base64url characters, found 0 characters that are not a token`);
  });

  it('checks the bearer token, the scheme in any case', () => {
    const token = 'A'.repeat(43);
    expect(() => checkOperatorToken(`Bearer ${token}`, token, 'status')).not.toThrow();
    expect(() => checkOperatorToken(`BEARER ${token}`, token, 'status')).not.toThrow();
    expect(() => checkOperatorToken(undefined, token, 'status')).toThrow(expect.objectContaining({ code: 'OPERATOR_TOKEN_MISSING', status: 401 }));
    expect(() => checkOperatorToken(`Bearer ${token}x`, token, 'status')).toThrow(expect.objectContaining({ code: 'OPERATOR_TOKEN_INVALID', status: 403 }));
  });
});
