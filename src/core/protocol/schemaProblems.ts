/**
 * Turns zod issues into sentences a person can act on: "<source>: <path>: expected X, found Y".
 * Shared by the plan and every wire message, so that all boundaries fail the same way.
 */
import type { z } from 'zod';
import { FedsegError } from '../util/errors.ts';

/** One problem per issue, each naming its path, what was expected and what was found. */
export function schemaProblems(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    return `${path}: ${expectation(issue)}${foundText(issue, input)}`;
  });
}

/** Parse with a schema or throw FedsegError(code) whose message lists every problem. */
export function parseWithSchema<S extends z.ZodType>(schema: S, json: unknown, source: string, code: string): z.output<S> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const problems = schemaProblems(result.error.issues, json);
  throw new FedsegError(code, problems.map((p) => `${source}: ${p}`).join('\n'), { problems });
}

function expectation(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith('expected ')) return issue.message; // written for this field
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_small':
      return `expected ${issue.origin} ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `expected ${issue.origin} ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_format':
      return `expected a ${issue.format} string`;
    default:
      return issue.message;
  }
}

function foundText(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') return '';
  const value = valueAt(input, issue.path);
  if (value === MISSING) return ', found nothing';
  return `, found ${describe(value)}`;
}

const MISSING = Symbol('missing');

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, key)) return MISSING;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}
