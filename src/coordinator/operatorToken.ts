/**
 * The operator's token: the operator's view (GET /api/v1/status: site names, who reported,
 * per-site scores) answers only a request that carries it as `Authorization: Bearer
 * <token>`, since which hospitals take part and how each one's cases score are the
 * federation's business, not the public's. The token is 32 random bytes, base64url, in
 * the file `operator-token` in the data folder (mode 0600), made on the coordinator's
 * first start; `fedseg status --data DIR` reads it from there.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FedsegError } from '../core/util/errors.ts';
import { HttpError } from './httpError.ts';
import { newInviteToken } from './inviteToken.ts';
import { createWhole } from './storage/createWhole.ts';

export const OPERATOR_TOKEN_FILE = 'operator-token';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The data folder's operator token, made when there is none yet: written whole to a
 * temporary file and then linked into place, so a crash never leaves an empty token file.
 * The file is readable by its owner only, whatever the umask or a copy did to it.
 */
export function operatorTokenFor(dataDir: string): string {
  const file = join(dataDir, OPERATOR_TOKEN_FILE);
  // false: another start made it first; that one is used
  if (!existsSync(file)) createWhole(file, `${newInviteToken()}\n`);
  chmodSync(file, 0o600);
  return readOperatorToken(file);
}

/** The token in `file`; FedsegError OPERATOR_TOKEN_FILE when it is missing or not a token. */
export function readOperatorToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new FedsegError('OPERATOR_TOKEN_FILE', `${file}: expected the coordinator's operator token file, found none (${(e as NodeJS.ErrnoException).code ?? String(e)}); give the coordinator's data folder with --data`);
  }
  if (!TOKEN.test(text)) throw new FedsegError('OPERATOR_TOKEN_FILE', `${file}: expected 43 base64url characters, found ${text.length} characters that are not a token`);
  return text;
}

/** Passes when `authorization` is `Bearer <token>`; HttpError 401 OPERATOR_TOKEN_MISSING or 403 OPERATOR_TOKEN_INVALID otherwise. */
export function checkOperatorToken(authorization: string | undefined, token: string, what: string): void {
  if (!authorization) {
    throw new HttpError(401, 'OPERATOR_TOKEN_MISSING', `${what}: expected the header "Authorization: Bearer <operator token>" (the file ${OPERATOR_TOKEN_FILE} in the coordinator's data folder), found none`);
  }
  const given = /^bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? ''; // the scheme is case-insensitive (RFC 9110)
  // equal-length digests, compared in constant time: the answer's timing says nothing about the token
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(given), digest(token))) {
    throw new HttpError(403, 'OPERATOR_TOKEN_INVALID', `${what}: the operator token does not match this coordinator's (${OPERATOR_TOKEN_FILE} in its data folder)`);
  }
}
