/**
 * The one error type of fedseg's domain. `code` is stable (tests, the HTTP API and the
 * page key on it); `message` is for people: what was expected and what was found.
 */
export class FedsegError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'FedsegError';
    this.code = code;
    this.details = details;
  }
}

/** Lookup in a registry; an unknown key fails naming it and the known ones. */
export function lookup<T>(registry: Readonly<Record<string, T>>, key: string, what: string): T {
  if (Object.prototype.hasOwnProperty.call(registry, key)) return registry[key] as T;
  throw new FedsegError(
    'UNKNOWN_' + what.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
    `unknown ${what} "${key}"; known: ${Object.keys(registry).join(', ')}`,
  );
}
