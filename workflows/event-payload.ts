/**
 * Turning what a client sent into the event a machine receives: only the keys the transition
 * declares survive (comment, its `inputs`, its `params`), each checked; `actor` and `at` are
 * stamped by the engine afterwards, so they cannot be forged.
 */
import type { AnyTransitionDefinition } from 'xstate';
import { transitionMetaOf } from './machine-introspection.js';
import type { EventInput, WorkflowEvent } from './types.js';

export const MAX_COMMENT_LENGTH = 4000;
const MAX_TEXT_LENGTH = 500;

export type PayloadResult = { ok: true; event: WorkflowEvent } | { ok: false; message: string };

/**
 * @param candidates transitions for this event type in the active state nodes
 * @param knownParams every `params` object declared for this event type anywhere in the machine
 */
export function readPayload(
  raw: Record<string, unknown>,
  candidates: AnyTransitionDefinition[],
  knownParams: Record<string, string>[],
  /** The service's form field keys, which a 'fields' input may name. */
  fieldKeys: ReadonlySet<string> = new Set(),
): PayloadResult {
  const type = String(raw.type);
  const event: WorkflowEvent = { type };

  if (raw.comment !== undefined && raw.comment !== null) {
    if (typeof raw.comment !== 'string') return { ok: false, message: 'comment must be text' };
    const comment = raw.comment.trim();
    if (comment.length > MAX_COMMENT_LENGTH)
      return { ok: false, message: `comment is longer than ${MAX_COMMENT_LENGTH} characters` };
    if (comment !== '') event.comment = comment;
  }

  const inputs = new Map<string, EventInput>();
  for (const transition of candidates) {
    for (const input of transitionMetaOf(transition)?.inputs ?? []) inputs.set(input.key, input);
  }
  for (const input of inputs.values()) {
    const result = readInput(input, raw[input.key], fieldKeys);
    if (!result.ok) return result;
    if (result.value !== undefined) event[input.key] = result.value;
  }

  const paramKeys = new Set(knownParams.flatMap((params) => Object.keys(params)));
  for (const key of paramKeys) {
    const value = raw[key];
    if (typeof value !== 'string' || !knownParams.some((params) => params[key] === value)) {
      const allowed = [...new Set(knownParams.map((params) => params[key]).filter(Boolean))].join(', ');
      return { ok: false, message: `${key} must be one of: ${allowed}` };
    }
    event[key] = value;
  }
  return { ok: true, event };
}

type InputResult =
  { ok: true; value: string | number | string[] | undefined } | { ok: false; message: string };

function readInput(input: EventInput, value: unknown, fieldKeys: ReadonlySet<string>): InputResult {
  if (input.type === 'fields') return readFields(input, value, fieldKeys);
  const missing = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  if (missing)
    return input.required
      ? { ok: false, message: `${input.key} is required` }
      : { ok: true, value: undefined };
  switch (input.type) {
    case 'text': {
      if (typeof value !== 'string') return { ok: false, message: `${input.key} must be text` };
      const text = value.trim();
      if (text.length > MAX_TEXT_LENGTH)
        return { ok: false, message: `${input.key} is longer than ${MAX_TEXT_LENGTH} characters` };
      return { ok: true, value: text };
    }
    case 'date': {
      if (typeof value !== 'string' || !isCalendarDate(value.trim())) {
        return { ok: false, message: `${input.key} must be a date (YYYY-MM-DD)` };
      }
      return { ok: true, value: value.trim() };
    }
    case 'number': {
      const number = typeof value === 'string' ? Number(value.trim()) : value;
      if (typeof number !== 'number' || !Number.isFinite(number))
        return { ok: false, message: `${input.key} must be a number` };
      return { ok: true, value: number };
    }
  }
}

/** One key or several (a form's repeated checkboxes), each a field of the service; none is 'not given'. */
function readFields(input: EventInput, value: unknown, fieldKeys: ReadonlySet<string>): InputResult {
  const list =
    value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value];
  if (!list.every((key): key is string => typeof key === 'string'))
    return { ok: false, message: `${input.key} must be field keys` };
  const unknown = list.find((key) => !fieldKeys.has(key));
  if (unknown !== undefined)
    return { ok: false, message: `${input.key}: "${unknown.slice(0, 60)}" is not a field of this form` };
  if (list.length === 0)
    return input.required
      ? { ok: false, message: `${input.key} is required` }
      : { ok: true, value: undefined };
  return { ok: true, value: [...new Set(list)] };
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}
