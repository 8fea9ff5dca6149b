import { FedsegError } from './errors.ts';

/**
 * The stable code of the FedsegError that `f` throws, or 'no error' when it throws
 * nothing; any other exception passes through. For checks of refusals ("this input is
 * refused with NIFTI_TRUNCATED").
 */
export function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof FedsegError) return e.code;
    throw e;
  }
  return 'no error';
}

/** errorCode for promises. */
export async function errorCodeAsync(p: Promise<unknown> | (() => Promise<unknown>)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof FedsegError) return e.code;
    throw e;
  }
  return 'no error';
}
