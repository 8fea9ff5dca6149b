/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, arrays in order.
 * Two equal values always give the same text, so its hash identifies the value
 * (the plan hash, signed request bodies). Non-finite numbers and undefined inside
 * arrays are refused rather than silently changed.
 */
import { FedsegError } from '../util/errors.ts';

export function canonicalJson(value: unknown): string {
  return write(value, '(top level)');
}

function write(v: unknown, path: string): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw new FedsegError('CANONICAL_JSON', `${path}: expected a finite number, found ${String(v)}`);
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return '[' + v.map((x, i) => write(x, `${path}[${i}]`)).join(',') + ']';
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + write(obj[k], path + '.' + k)).join(',') + '}';
    }
    default:
      throw new FedsegError('CANONICAL_JSON', `${path}: expected JSON data, found a ${typeof v}`);
  }
}
