import { Router, type Request, type Response } from 'express';
import { renderDiagram } from '../../workflows/diagram.js';
import type { ReasonTemplate } from '../../workflows/schema/service.js';
import type { Localized, ServiceDefinition } from '../../workflows/types.js';
import { allTransitions, eventTypeOf, transitionMetaOf } from '../../workflows/machine-introspection.js';
import type { Services } from '../services/index.js';
import { effectiveSettings, type SettingChange } from '../services/service-settings.js';
import {
  validateSettings,
  type SettingsInput,
  type SettingsProblem,
} from '../services/settings-validation.js';
import type { MigrationPlan, MigrationResult } from '../services/service-admin.js';
import { requireStaff } from '../http/guards.js';
import { HttpError } from '../http/errors.js';
import { formBody, type FormInput } from '../http/form-errors.js';
import type { ShownError } from '../http/form-view.js';
import { addFlash } from '../http/session.js';

const ADMIN = requireStaff('admin');
/** Blank reason rows offered under the existing ones. */
const BLANK_TEMPLATE_ROWS = 2;

const text = (body: FormInput, name: string): string => {
  const value = body[name];
  return typeof value === 'string' ? value : '';
};

/** Events of the workflow that take a message, i.e. those a reason template can be for. */
function commentedEvents(definition: ServiceDefinition): { type: string; label: Localized }[] {
  const seen = new Map<string, Localized>();
  for (const t of allTransitions(definition.workflow.machine)) {
    const meta = transitionMetaOf(t);
    if (meta?.requiresComment && !seen.has(eventTypeOf(t))) seen.set(eventTypeOf(t), meta.label);
  }
  return [...seen].map(([type, label]) => ({ type, label }));
}

function inputFrom(definition: ServiceDefinition, enabled: boolean): SettingsInput {
  const current = effectiveSettings(definition, enabled);
  return {
    fee: String(current.fee),
    slaDays: String(current.slaDays),
    guideText: { ...current.guideText },
    reasonTemplates: current.reasonTemplates.map((t: ReasonTemplate) => ({ event: t.event, ...t.text })),
  };
}

function inputFromBody(body: FormInput): SettingsInput {
  const reasonTemplates: SettingsInput['reasonTemplates'] = [];
  for (let i = 0; i < 100 && `tpl-${i}-event` in body; i++) {
    reasonTemplates.push({
      event: text(body, `tpl-${i}-event`),
      ar: text(body, `tpl-${i}-ar`),
      en: text(body, `tpl-${i}-en`),
    });
  }
  return {
    fee: text(body, 'fee'),
    slaDays: text(body, 'slaDays'),
    guideText: { ar: text(body, 'guideText-ar'), en: text(body, 'guideText-en') },
    reasonTemplates,
  };
}

/**
 * The administrators' pages for services (/admin/services): every service with its versions,
 * applications in flight and whether it takes new ones; per service its workflow diagram, the
 * settings that change without a release (audited), and moving in-flight applications onto a
 * newer version. Services are national, so only a national administrator changes them; a
 * municipal administrator reads the same pages.
 */
export function adminServicesRoutes(services: Services): Router {
  const router = Router();
  const { registry, serviceSettings, serviceAdmin } = services;

  const mayChange = (res: Response) => res.locals.user?.municipality === null;
  const requireNational = (_req: Request, res: Response, next: (err?: unknown) => void) => {
    if (!mayChange(res)) return next(new HttpError(403, 'national administrators only'));
    next();
  };

  function serviceOf(req: Request): ServiceDefinition {
    const definition = registry.latest(String(req.params.slug));
    if (!definition) throw new HttpError(404, 'no such service');
    return definition;
  }

  router.get('/admin/services', ADMIN, async (_req, res) => {
    const title = res.locals.t('servicesAdmin.title');
    res.render('admin/services', { title, heading: title, rows: await serviceAdmin.overview() });
  });

  function describeValue(res: Response, setting: string, value: unknown): string {
    const { t, pick } = res.locals;
    if (value === null || value === undefined) return '–';
    if (setting === 'enabled') return t(value ? 'servicesAdmin.enabled' : 'servicesAdmin.disabled');
    if (setting === 'fee') return t('servicesAdmin.feeValue', { amount: Number(value).toFixed(3) });
    if (setting === 'slaDays') return t('guide.workingDays', { count: Number(value) });
    if (setting === 'guideText') return pick(value as Localized);
    if (setting === 'reasonTemplates') {
      const list = value as ReasonTemplate[];
      return list.length === 0
        ? t('servicesAdmin.noTemplates')
        : list.map((r) => `${r.event}: ${pick(r.text)}`).join(' · ');
    }
    return JSON.stringify(value);
  }

  async function renderService(
    res: Response,
    definition: ServiceDefinition,
    extra: {
      errors?: SettingsProblem[];
      input?: SettingsInput;
      plan?: MigrationPlan | null;
      result?: Extract<MigrationResult, { ok: true }>;
    } = {},
  ) {
    const { t, pick } = res.locals;
    const lang = res.locals.lang === 'en' ? 'en' : 'ar';
    const errors: ShownError[] = (extra.errors ?? []).map((e) => ({
      field: e.field,
      href: `#${e.field}`,
      text: t(`servicesAdmin.errors.${e.key}`),
    }));
    if (errors.length > 0) res.status(400);
    const enabled = registry.enabled(definition.slug);
    const input = extra.input ?? inputFrom(definition, enabled);
    const rows = [
      ...input.reasonTemplates,
      ...Array.from({ length: BLANK_TEMPLATE_ROWS }, () => ({ event: '', ar: '', en: '' })),
    ];
    const counts = (await serviceAdmin.inFlight()).get(definition.slug) ?? [];
    const changes: SettingChange[] = await serviceSettings.changes(definition.slug);
    const heading = pick(definition.name);
    res.render('admin/service', {
      title: `${errors.length ? t('errors.titlePrefix') : ''}${heading} – ${t('servicesAdmin.title')}`,
      heading,
      definition,
      original: registry.base.latest(definition.slug)!,
      enabled,
      canChange: mayChange(res),
      versions: registry
        .versions(definition.slug)
        .map((version) => counts.find((c) => c.version === version) ?? { version, inFlight: 0, drafts: 0 }),
      input,
      templateRows: rows,
      events: commentedEvents(definition),
      errors,
      changes: changes.map((c) => ({
        ...c,
        settingLabel: t(`servicesAdmin.settings.${c.setting}`),
        beforeText: describeValue(res, c.setting, c.before),
        afterText: describeValue(res, c.setting, c.after),
      })),
      migration: definition.migrateFrom ?? null,
      plan: extra.plan ?? null,
      result: extra.result ?? null,
      diagram: await renderDiagram(definition, {
        lang,
        id: 'workflow-diagram',
        title: t('servicesAdmin.diagram.title', {
          service: definition.name[lang],
          version: definition.version,
        }),
      }),
    });
  }

  router.get('/admin/services/:slug', ADMIN, async (req, res) => {
    await renderService(res, serviceOf(req));
  });

  router.get('/admin/services/:slug/diagram.svg', ADMIN, async (req, res) => {
    const definition = serviceOf(req);
    const lang =
      req.query.lang === 'en' || req.query.lang === 'ar'
        ? req.query.lang
        : res.locals.lang === 'en'
          ? 'en'
          : 'ar';
    const svg = await renderDiagram(definition, { lang, standalone: true });
    res
      .type('image/svg+xml')
      .set('Content-Disposition', `attachment; filename="${definition.slug}.${lang}.svg"`);
    res.send(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
  });

  router.post('/admin/services/:slug/enabled', ADMIN, requireNational, async (req, res) => {
    const definition = serviceOf(req);
    const value = text(formBody(req), 'enabled');
    if (value !== 'yes' && value !== 'no') throw new HttpError(400, 'enabled must be yes or no');
    const { changed } = await serviceSettings.setEnabled(
      definition.slug,
      value === 'yes',
      res.locals.user!.id,
    );
    addFlash(
      req,
      'success',
      changed.length === 0
        ? 'servicesAdmin.nothingChanged'
        : value === 'yes'
          ? 'servicesAdmin.enabledDone'
          : 'servicesAdmin.disabledDone',
    );
    res.redirect(303, `/admin/services/${definition.slug}`);
  });

  router.post('/admin/services/:slug/settings', ADMIN, requireNational, async (req, res) => {
    const definition = serviceOf(req);
    const input = inputFromBody(formBody(req));
    const valid = validateSettings(registry.base.latest(definition.slug)!, input);
    if (!valid.ok) return renderService(res, definition, { errors: valid.problems, input });
    const { changed } = await serviceSettings.save(definition.slug, valid.value, res.locals.user!.id);
    addFlash(req, 'success', changed.length === 0 ? 'servicesAdmin.nothingChanged' : 'servicesAdmin.saved');
    res.redirect(303, `/admin/services/${definition.slug}#settings`);
  });

  // The dry run: what would move and what would stay, changing nothing.
  router.get('/admin/services/:slug/migration', ADMIN, async (req, res) => {
    const definition = serviceOf(req);
    const plan = await serviceAdmin.plan(definition.slug);
    if (!plan) throw new HttpError(404, 'no migration declared');
    await renderService(res, definition, { plan });
  });

  router.post('/admin/services/:slug/migration', ADMIN, requireNational, async (req, res) => {
    const definition = serviceOf(req);
    const result = await serviceAdmin.migrate(definition.slug, res.locals.user!.id);
    if (!result.ok) throw new HttpError(404, 'no migration declared');
    await renderService(res, definition, { result, plan: result.plan });
  });

  return router;
}
