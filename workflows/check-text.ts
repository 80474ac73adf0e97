/**
 * Checks of the words people read: every text in both languages, the Arabic one in Arabic, and no
 * scaffold placeholder ('TODO …') left behind.
 */

const ARABIC_LETTER = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
const LATIN_LETTER = /[A-Za-z]/;

/** 'TODO …' or the scaffold's '«TODO: …»' (npm run service:new). */
export function startsWithTodo(text: string): boolean {
  return /^\s*«?\s*TODO\b/i.test(text);
}

/** Problems of one bilingual text; TODO placeholders are left to `findTodos`. */
export function checkLocalized(value: unknown, what: string, report: (problem: string) => void): void {
  if (typeof value !== 'object' || value === null) {
    report(`${what} is missing`);
    return;
  }
  const { ar, en } = value as { ar?: unknown; en?: unknown };
  if (typeof ar !== 'string' || ar.trim() === '') report(`${what}.ar is empty`);
  else if (!startsWithTodo(ar) && !ARABIC_LETTER.test(ar)) report(`${what}.ar has no Arabic letters`);
  if (typeof en !== 'string' || en.trim() === '') report(`${what}.en is empty`);
  else if (!startsWithTodo(en) && !LATIN_LETTER.test(en)) report(`${what}.en has no Latin letters`);
}

/** Every string under `value` that starts with TODO, with its path ('fields.2.label.en'). */
export function findTodos(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return startsWithTodo(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => findTodos(item, [...path, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => findTodos(child, [...path, key]));
  }
  return [];
}

/**
 * Verbs that make a field's Arabic label an instruction («اذكر الغرض»). Labels are read inside the
 * portal's own instructions («أدخل {{label}}»: "enter …"), so an instruction there reads as two
 * («أدخل اذكر الغرض»); a label names what is asked («وصف الغرض»), and a hint may instruct.
 */
const ARABIC_INSTRUCTIONS = ['اذكر', 'أدخل', 'ادخل', 'اكتب', 'حدد', 'حدّد', 'اختر', 'أرفق', 'ارفع'];

/** A field label's problem: its Arabic starts with an instruction. */
export function checkFieldLabel(label: { ar: string }, report: (problem: string) => void): void {
  const first = label.ar.trim().split(/\s+/)[0] ?? '';
  if (ARABIC_INSTRUCTIONS.includes(first)) {
    report(
      `label.ar starts with the instruction «${first}»: name what is asked (it is read inside «أدخل …»)`,
    );
  }
}
