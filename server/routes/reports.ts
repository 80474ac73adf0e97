import { Router, type Request, type Response } from 'express';
import { isMunicipalityCode, MUNICIPALITIES } from '../../workflows/municipalities.js';
import type { UserRow } from '../../db/repositories/users.js';
import type { Services } from '../services/index.js';
import { REPORT_CHANNELS, REPORT_STATUSES, type StatsQuery, type StatsReport } from '../services/stats.js';
import { requireStaff } from '../http/guards.js';
import { HttpError } from '../http/errors.js';
import { translator, type Lang } from '../i18n.js';
import { reportCharts } from '../http/report-charts.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads from, to and municipality; supervisors are held to their own municipality. */
function queryOf(services: Services, req: Request, user: UserRow | null): StatsQuery {
  const period = services.stats.defaultPeriod();
  const from = typeof req.query.from === 'string' && DATE.test(req.query.from) ? req.query.from : period.from;
  const to = typeof req.query.to === 'string' && DATE.test(req.query.to) ? req.query.to : period.to;
  if (from > to) throw new HttpError(400, 'from after to');
  const asked =
    typeof req.query.municipality === 'string' && isMunicipalityCode(req.query.municipality)
      ? req.query.municipality
      : null;
  // The public and national administrators choose; supervisors and municipal admins see their own.
  const chooses = !user || (user.role === 'admin' && !user.municipality);
  return { from, to, municipality: chooses ? asked : user.municipality };
}

/** CSV with a BOM, so spreadsheet programs open the Arabic names correctly. */
export function toCsv(rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s)
      ? `"${(/^[=+\-@]/.test(s) ? "'" : '') + s.replace(/"/g, '""')}"`
      : s;
  };
  return '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function serviceTable(
  report: StatsReport,
  lang: Lang,
  options: { overdue?: boolean } = {},
): (string | number | null)[][] {
  const t = translator(lang);
  // The same columns, in the same words, as the tables on the page (staff also get "Overdue now").
  const overdue = options.overdue === true;
  return [
    [
      t('reports.service'),
      t('reports.count'),
      t('reports.share'),
      ...REPORT_STATUSES.map((s) => t(`backoffice.status.${s}`)),
      t('reports.median'),
      t('reports.p90'),
      t('reports.withinSla'),
      ...(overdue ? [t('reports.overdueNow')] : []),
    ],
    ...report.services.map((s) => [
      s.name[lang],
      s.count,
      Math.round(s.share * 1000) / 10,
      ...REPORT_STATUSES.map((st) => s.byStatus[st] ?? 0),
      s.medianDays,
      s.p90Days,
      s.withinSla === null ? null : Math.round(s.withinSla * 1000) / 10,
      ...(overdue ? [report.overdueNow[s.slug] ?? 0] : []),
    ]),
    [
      t('reports.total'),
      report.total,
      report.total ? 100 : 0,
      ...REPORT_STATUSES.map((st) => report.byStatus[st] ?? 0),
      null,
      null,
      report.withinSla === null ? null : Math.round(report.withinSla * 1000) / 10,
      ...(overdue ? [report.overdueTotal] : []),
    ],
  ];
}

export function reportRoutes(services: Services): Router {
  const router = Router();
  const STAFF = requireStaff('supervisor', 'admin');

  async function render(req: Request, res: Response, view: string, user: UserRow | null) {
    const q = queryOf(services, req, user);
    const report = await services.stats.report(q);
    res.render(view, {
      title: res.locals.t(view === 'reports/open-data' ? 'reports.openTitle' : 'reports.title'),
      report,
      charts: reportCharts(report, res.locals.lang),
      q,
      statuses: REPORT_STATUSES,
      channels: REPORT_CHANNELS,
      municipalities: MUNICIPALITIES,
      canChooseMunicipality: !user || (user.role === 'admin' && !user.municipality),
      csvUrl: `${req.path}.csv?${new URLSearchParams({ from: q.from, to: q.to, ...(q.municipality ? { municipality: q.municipality } : {}) }).toString()}`,
    });
  }

  router.get('/reports', STAFF, (req, res) => render(req, res, 'reports/dashboard', res.locals.user));
  router.get('/reports.csv', STAFF, async (req, res) => {
    const report = await services.stats.report(queryOf(services, req, res.locals.user));
    res
      .type('text/csv; charset=utf-8')
      .attachment(`applications-${report.period.from}-${report.period.to}.csv`);
    res.send(toCsv(serviceTable(report, res.locals.lang, { overdue: true })));
  });

  // Open data: the same counts and times, no personal data, for anyone.
  router.get('/open-data', (req, res) => render(req, res, 'reports/open-data', null));
  router.get('/open-data.csv', async (req, res) => {
    const report = await services.stats.report(queryOf(services, req, null));
    res.type('text/csv; charset=utf-8').attachment(`open-data-${report.period.from}-${report.period.to}.csv`);
    res.send(toCsv(serviceTable(report, res.locals.lang)));
  });
  router.get('/api/v1/stats', async (req, res) => {
    res.json(await services.stats.report(queryOf(services, req, null)));
  });

  return router;
}
