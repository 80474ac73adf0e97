import type { Knex } from 'knex';
import { normaliseCpr, normaliseCr, normaliseEmail, normaliseMobile } from '../../workflows/identifiers.js';
import type { StaffRole } from '../../workflows/municipalities.js';
import { usersRepository, type UserRow } from '../../db/repositories/users.js';
import { textField, type FieldError, type FormInput } from '../http/form-errors.js';
import { hashPassword, isCommonPassword, verifyAgainstDummy, verifyPassword } from '../security/passwords.js';
import type { Clock } from '../clock.js';
import { isLang, type Lang } from '../i18n.js';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The fields a person filled in, echoed back into the form on error (never the passwords). */
export type SignUpValues = Record<'name' | 'cpr' | 'cr' | 'email' | 'mobile', string>;

export function checkPassword(
  password: string,
  confirm: string,
  personal: string[],
  errors: FieldError[],
  field = 'password',
): void {
  if (password.length < PASSWORD_MIN) errors.push({ field, key: 'passwordTooShort' });
  else if (password.length > PASSWORD_MAX) errors.push({ field, key: 'passwordTooLong' });
  else if (isCommonPassword(password)) errors.push({ field, key: 'passwordCommon' });
  else {
    const lower = password.toLowerCase();
    const leaks = personal.map((p) => p.toLowerCase()).filter((p) => p.length >= 4);
    if (leaks.some((p) => lower.includes(p))) errors.push({ field, key: 'passwordPersonal' });
  }
  if (password !== confirm) errors.push({ field: `${field}Confirm`, key: 'passwordMismatch' });
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint/.test(e.message ?? '');
}

/** Name, CPR or CR number, e-mail and mobile as typed, and their normalised forms (null when invalid). */
function readIdentity(kind: 'resident' | 'investor', body: FormInput, errors: FieldError[]) {
  const values: SignUpValues = {
    name: textField(body, 'name', errors).trim(),
    cpr: textField(body, 'cpr', errors).trim(),
    cr: textField(body, 'cr', errors).trim(),
    email: textField(body, 'email', errors).trim(),
    mobile: textField(body, 'mobile', errors).trim(),
  };
  if (values.name.length < 2 || values.name.length > 200) errors.push({ field: 'name', key: 'nameLength' });
  const cpr = kind === 'resident' ? normaliseCpr(values.cpr) : null;
  const cr = kind === 'investor' ? normaliseCr(values.cr) : null;
  if (kind === 'resident' && !cpr) errors.push({ field: 'cpr', key: 'cprFormat' });
  if (kind === 'investor' && !cr) errors.push({ field: 'cr', key: 'crFormat' });
  const email = normaliseEmail(values.email);
  if (!email) errors.push({ field: 'email', key: 'emailFormat' });
  const mobile = normaliseMobile(values.mobile);
  if (!mobile) errors.push({ field: 'mobile', key: 'mobileFormat' });
  return { values, cpr, cr, email, mobile };
}

export function accountsService(db: Knex, clock: Clock) {
  const users = usersRepository(db);

  async function signUp(
    kind: 'resident' | 'investor',
    body: FormInput,
    lang: Lang,
  ): Promise<Result<UserRow> & { values: SignUpValues }> {
    const errors: FieldError[] = [];
    const { values, cpr, cr, email, mobile } = readIdentity(kind, body, errors);
    const password = textField(body, 'password', errors);
    const confirm = textField(body, 'passwordConfirm', errors);
    checkPassword(
      password,
      confirm,
      [values.name, ...values.name.split(/\s+/), values.email, values.cpr, values.cr],
      errors,
    );

    // Someone registered at a counter has an account without a password: signing up with the
    // same number and the same e-mail address takes that account over, with its applications.
    const registered = cpr ? await users.findByCpr(cpr) : cr ? await users.findByCr(cr) : undefined;
    const claimable =
      registered && !registered.password_hash && registered.email === email ? registered : undefined;
    if (email && !claimable && (await users.findByEmail(email)))
      errors.push({ field: 'email', key: 'emailTaken' });
    if (cpr && registered && !claimable) errors.push({ field: 'cpr', key: 'cprTaken' });
    if (cr && registered && !claimable) errors.push({ field: 'cr', key: 'crTaken' });
    if (errors.length > 0 || !email || !mobile) return { ok: false, errors, values };
    if (claimable) {
      await users.update(
        claimable.id,
        { name: values.name, mobile, preferred_lang: lang, password_hash: await hashPassword(password) },
        clock.now(),
      );
      return { ok: true, value: (await users.findById(claimable.id))!, values };
    }

    try {
      const id = await users.insert(
        {
          kind,
          cpr,
          cr,
          name: values.name,
          email,
          mobile,
          password_hash: await hashPassword(password),
          preferred_lang: lang,
          role: null,
          municipality: null,
          department: null,
        },
        clock.now(),
      );
      const user = await users.findById(id);
      if (!user) throw new Error('user vanished after insert');
      return { ok: true, value: user, values };
    } catch (err) {
      // Two sign-ups racing for the same e-mail or number: the database decides.
      if (isUniqueViolation(err))
        return { ok: false, errors: [{ field: 'email', key: 'emailTaken' }], values };
      throw err;
    }
  }

  /** Finds an account by e-mail, CPR or CR and checks its password in constant-ish time. */
  async function authenticate(identifier: string, password: string): Promise<UserRow | null> {
    const id = identifier.trim();
    const email = normaliseEmail(id);
    const cpr = normaliseCpr(id);
    const cr = normaliseCr(id);
    const user = email
      ? await users.findByEmail(email)
      : cpr
        ? await users.findByCpr(cpr)
        : cr
          ? await users.findByCr(cr)
          : undefined;
    if (!user || !user.password_hash || user.disabled_at)
      return verifyAgainstDummy(password).then(() => null);
    return (await verifyPassword(user.password_hash, password)) ? user : null;
  }

  async function updateProfile(
    userId: number,
    body: FormInput,
  ): Promise<Result<{ lang: Lang }> & { values: { name: string; mobile: string; preferredLang: string } }> {
    const errors: FieldError[] = [];
    const values = {
      name: textField(body, 'name', errors).trim(),
      mobile: textField(body, 'mobile', errors).trim(),
      preferredLang: textField(body, 'preferredLang', errors),
    };
    if (values.name.length < 2 || values.name.length > 200) errors.push({ field: 'name', key: 'nameLength' });
    const mobile = normaliseMobile(values.mobile);
    if (!mobile) errors.push({ field: 'mobile', key: 'mobileFormat' });
    const lang = values.preferredLang;
    if (!isLang(lang)) errors.push({ field: 'preferredLang', key: 'invalidChoice' });
    if (errors.length > 0 || !mobile || !isLang(lang)) return { ok: false, errors, values };
    await users.update(userId, { name: values.name, mobile, preferred_lang: lang }, clock.now());
    return { ok: true, value: { lang }, values };
  }

  async function changePassword(user: UserRow, body: FormInput): Promise<Result<null>> {
    const errors: FieldError[] = [];
    const current = textField(body, 'currentPassword', errors);
    const next = textField(body, 'newPassword', errors);
    const confirm = textField(body, 'newPasswordConfirm', errors);
    if (!user.password_hash || !(await verifyPassword(user.password_hash, current))) {
      errors.push({ field: 'currentPassword', key: 'currentPasswordWrong' });
    }
    checkPassword(
      next,
      confirm,
      [user.name, user.email, user.cpr ?? '', user.cr ?? ''],
      errors,
      'newPassword',
    );
    if (errors.length > 0) return { ok: false, errors };
    await users.update(user.id, { password_hash: await hashPassword(next) }, clock.now());
    return { ok: true, value: null };
  }

  /** A person registered by counter staff: no password until they sign up with the same e-mail. */
  async function registerAtCounter(
    kind: 'resident' | 'investor',
    body: FormInput,
  ): Promise<Result<UserRow> & { values: SignUpValues }> {
    const errors: FieldError[] = [];
    const { values, cpr, cr, email, mobile } = readIdentity(kind, body, errors);
    if (email && (await users.findByEmail(email))) errors.push({ field: 'email', key: 'emailTaken' });
    if (cpr && (await users.findByCpr(cpr))) errors.push({ field: 'cpr', key: 'cprTaken' });
    if (cr && (await users.findByCr(cr))) errors.push({ field: 'cr', key: 'crTaken' });
    if (errors.length > 0 || !email || !mobile) return { ok: false, errors, values };
    const id = await users.insert(
      {
        kind,
        cpr,
        cr,
        name: values.name,
        email,
        mobile,
        password_hash: null,
        preferred_lang: 'ar',
        role: null,
        municipality: null,
        department: null,
      },
      clock.now(),
    );
    return { ok: true, value: (await users.findById(id))!, values };
  }

  async function createStaff(input: {
    name: string;
    email: string;
    password: string;
    role: StaffRole;
    municipality: string | null;
    department: string | null;
    lang?: Lang;
  }): Promise<number> {
    const email = normaliseEmail(input.email);
    if (!email) throw new Error(`"${input.email}" is not a valid e-mail address`);
    return users.insert(
      {
        kind: 'staff',
        cpr: null,
        cr: null,
        name: input.name,
        email,
        mobile: null,
        password_hash: await hashPassword(input.password),
        preferred_lang: input.lang ?? 'ar',
        role: input.role,
        municipality: input.municipality,
        department: input.department,
      },
      clock.now(),
    );
  }

  return {
    signUp,
    authenticate,
    updateProfile,
    changePassword,
    createStaff,
    registerAtCounter,
    findById: (id: number) => users.findById(id),
    findByNumber: (value: string) => {
      const cpr = normaliseCpr(value);
      const cr = normaliseCr(value);
      return cpr ? users.findByCpr(cpr) : cr ? users.findByCr(cr) : Promise.resolve(undefined);
    },
  };
}

export type AccountsService = ReturnType<typeof accountsService>;
