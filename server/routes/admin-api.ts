import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { Services } from '../services/index.js';
import { API_SCOPES, TOKEN_LIFETIMES_DAYS, type ApiScope, type ApiToken } from '../services/api-tokens.js';
import { WEBHOOK_EVENTS, eventsAllowed, isWebhookEvent } from '../services/webhooks.js';
import { checkWebhookUrl } from '../services/webhook-addresses.js';
import { requireStaff } from '../http/guards.js';
import { HttpError } from '../http/errors.js';
import { formBody, type FormInput } from '../http/form-errors.js';
import type { ShownError } from '../http/form-view.js';
import { addFlash } from '../http/session.js';

const ADMIN = requireStaff('admin');

/** A form value sent once or many times (checkboxes), as a list of strings; anything else is refused. */
function listField(body: FormInput, name: string): string[] | null {
  const value = body[name];
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return null;
}

function single(body: FormInput, name: string): string | null {
  const value = body[name];
  if (value === undefined) return '';
  return typeof value === 'string' ? value : null;
}

interface TokenFormValues {
  name: string;
  scopes: string[];
  services: string[];
  allServices: boolean;
  lifetime: string;
}

interface WebhookFormValues {
  tokenId: string;
  url: string;
  events: string[];
}

const EMPTY_TOKEN: TokenFormValues = {
  name: '',
  scopes: [],
  services: [],
  allServices: true,
  lifetime: '365',
};
const EMPTY_WEBHOOK: WebhookFormValues = { tokenId: '', url: '', events: [] };

/**
 * The administrators' page for partner access (/admin/api): API tokens (issued with scopes,
 * shown once, revocable) and webhook subscriptions with their deliveries. National
 * administrators see every token; a municipal administrator sees their municipality's.
 */
export function adminApiRoutes(services: Services, config: Config): Router {
  const router = Router();
  const { apiTokens, webhooks } = services;

  function shown(res: Response, errors: { field: string; key: string }[]): ShownError[] {
    return errors.map((e) => ({
      field: e.field,
      href: `#${e.field}`,
      text: res.locals.t(`adminApi.errors.${e.key}`),
    }));
  }

  async function renderIndex(
    res: Response,
    extra: {
      errors?: ShownError[];
      tokenValues?: TokenFormValues;
      webhookValues?: WebhookFormValues;
      created?: { token: ApiToken; secret: string } | null;
      createdWebhook?: { id: number; url: string; secret: string } | null;
    } = {},
  ) {
    const user = res.locals.user!;
    const tokens = await apiTokens.list(user);
    const subscriptions = await webhooks.listAll(tokens.map((t) => t.id));
    const errors = extra.errors ?? [];
    if (errors.length > 0) res.status(400);
    // A token or secret on the page must not be kept by any cache.
    if (extra.created || extra.createdWebhook) res.set('Cache-Control', 'no-store');
    const title = res.locals.t('adminApi.title');
    res.render('admin/api', {
      title: errors.length ? `${res.locals.t('errors.titlePrefix')}${title}` : title,
      heading: title,
      tokens,
      tokenNames: new Map(tokens.map((t) => [t.id, t.name])),
      subscriptions,
      scopes: API_SCOPES,
      events: WEBHOOK_EVENTS,
      lifetimes: TOKEN_LIFETIMES_DAYS,
      services: services.registry.all(),
      now: services.clock.now().getTime(),
      isActive: (t: ApiToken) => apiTokens.isActive(t),
      errors,
      tokenValues: extra.tokenValues ?? EMPTY_TOKEN,
      webhookValues: extra.webhookValues ?? EMPTY_WEBHOOK,
      created: extra.created ?? null,
      createdWebhook: extra.createdWebhook ?? null,
    });
  }

  router.get('/admin/api', ADMIN, async (_req, res) => {
    await renderIndex(res);
  });

  router.post('/admin/api/tokens', ADMIN, async (req, res) => {
    const body = formBody(req);
    const errors: { field: string; key: string }[] = [];
    const name = single(body, 'name');
    const scopes = listField(body, 'scopes');
    const slugs = listField(body, 'services');
    const allServices = single(body, 'allServices') === 'yes';
    const lifetime = single(body, 'lifetime');
    if (name === null || scopes === null || slugs === null || lifetime === null) {
      errors.push({ field: 'name', key: 'duplicate' });
    }
    const values: TokenFormValues = {
      name: (name ?? '').trim(),
      scopes: scopes ?? [],
      services: slugs ?? [],
      allServices,
      lifetime: lifetime ?? '',
    };
    if (values.name.length < 2 || values.name.length > 120) errors.push({ field: 'name', key: 'name' });
    const known = (API_SCOPES as readonly string[]).concat();
    if (values.scopes.length === 0 || !values.scopes.every((s) => known.includes(s))) {
      errors.push({ field: 'scopes', key: 'scopes' });
    }
    const slugsKnown = values.services.every((s) => services.registry.latest(s));
    if (
      values.scopes.includes('applications:read') &&
      !allServices &&
      (values.services.length === 0 || !slugsKnown)
    ) {
      errors.push({ field: 'services', key: 'services' });
    }
    const days = Number(values.lifetime);
    if (!(TOKEN_LIFETIMES_DAYS as readonly number[]).includes(days))
      errors.push({ field: 'lifetime', key: 'lifetime' });
    if (errors.length > 0) return renderIndex(res, { errors: shown(res, errors), tokenValues: values });
    const created = await apiTokens.issue(res.locals.user!, {
      name: values.name,
      scopes: [...new Set(values.scopes)] as ApiScope[],
      services: allServices ? null : [...new Set(values.services)],
      lifetimeDays: days as (typeof TOKEN_LIFETIMES_DAYS)[number],
    });
    // Shown once, on this response, never stored in a flash or the session.
    await renderIndex(res, { created });
  });

  router.post('/admin/api/tokens/:id/revoke', ADMIN, async (req, res, next) => {
    const ok = await apiTokens.revoke(res.locals.user!, Number(req.params.id));
    if (!ok) return next(new HttpError(404, 'no such token'));
    addFlash(req, 'success', 'adminApi.revoked');
    res.redirect(303, '/admin/api');
  });

  router.post('/admin/api/webhooks', ADMIN, async (req, res) => {
    const body = formBody(req);
    const errors: { field: string; key: string }[] = [];
    const tokenId = single(body, 'tokenId');
    const url = single(body, 'url');
    const events = listField(body, 'events');
    const values: WebhookFormValues = {
      tokenId: tokenId ?? '',
      url: (url ?? '').trim(),
      events: events ?? [],
    };
    const token = await apiTokens.find(res.locals.user!, Number(values.tokenId));
    if (!token || !apiTokens.isActive(token) || !token.scopes.includes('webhooks')) {
      errors.push({ field: 'tokenId', key: 'webhookToken' });
    }
    const checked = checkWebhookUrl(values.url, config.production);
    if (!checked.ok)
      errors.push({ field: 'url', key: checked.problem === 'url_not_https' ? 'urlHttps' : 'url' });
    const allowed = token ? eventsAllowed(token) : [];
    if (values.events.length === 0 || !values.events.every((e) => isWebhookEvent(e) && allowed.includes(e))) {
      errors.push({ field: 'events', key: 'events' });
    }
    if (errors.length > 0 || !token || !checked.ok) {
      return renderIndex(res, { errors: shown(res, errors), webhookValues: values });
    }
    const { subscription, secret } = await webhooks.subscribe(
      token,
      { url: checked.url, events: [...new Set(values.events.filter(isWebhookEvent))] },
      res.locals.user!.id,
    );
    await renderIndex(res, { createdWebhook: { id: subscription.id, url: subscription.url, secret } });
  });

  /** A subscription the administrator may see (its token is theirs to see), else 404. */
  async function visibleSubscription(req: Request, res: Response) {
    const subscription = await webhooks.find(Number(req.params.id));
    const token = subscription ? await apiTokens.find(res.locals.user!, subscription.tokenId) : undefined;
    if (!subscription || !token) throw new HttpError(404, 'no such subscription');
    return { subscription, token };
  }

  router.get('/admin/api/webhooks/:id', ADMIN, async (req, res) => {
    const { subscription, token } = await visibleSubscription(req, res);
    res.render('admin/api-webhook', {
      title: res.locals.t('adminApi.webhook.title', { id: subscription.id }),
      subscription,
      token,
      deliveries: await webhooks.deliveries(subscription.id),
    });
  });

  router.post('/admin/api/webhooks/:id/deliveries/:deliveryId/redeliver', ADMIN, async (req, res, next) => {
    const { subscription } = await visibleSubscription(req, res);
    if (!(await webhooks.redeliver(subscription.id, Number(req.params.deliveryId)))) {
      return next(new HttpError(404, 'no such delivery'));
    }
    addFlash(req, 'success', 'adminApi.webhook.redelivering');
    res.redirect(303, `/admin/api/webhooks/${subscription.id}`);
  });

  router.post('/admin/api/webhooks/:id/disable', ADMIN, async (req, res) => {
    const { subscription } = await visibleSubscription(req, res);
    await webhooks.unsubscribe(subscription.tokenId, subscription.id);
    addFlash(req, 'success', 'adminApi.webhook.disabled');
    res.redirect(303, '/admin/api');
  });

  return router;
}
