import { expect } from 'chai';
import {
  barChart,
  columnChart,
  formatCount,
  shareChart,
  type Bar,
  type ChartFrame,
} from '../../server/http/charts.js';
import { monthsBetween, reportCharts } from '../../server/http/report-charts.js';
import type { StatsReport } from '../../server/services/stats.js';
import type { Lang } from '../../server/i18n.js';
import { rects, texts, viewBoxWidth } from '../support/svg.js';

const frame = (lang: Lang, extra: Partial<ChartFrame> = {}): ChartFrame => ({
  id: 'chart-test',
  title: 'Applications per service',
  describedBy: 'table-test',
  lang,
  emptyText: 'Nothing to chart.',
  ...extra,
});

const bars = (values: (number | null)[]): Bar[] =>
  values.map((value, i) => ({
    label: `Service ${i + 1}`,
    value,
    valueText: value === null ? 'none' : String(value),
  }));

describe('Report charts as inline SVG', () => {
  describe('bars', () => {
    it('when a chart is drawn, then it is a named image pointing at its table, with no style attribute or script', () => {
      const svg = barChart({ ...frame('en'), bars: bars([5, 3]), tickText: String });
      expect(svg).to.match(/^<svg [^>]*role="img"/);
      expect(svg)
        .to.contain('aria-labelledby="chart-test-title"')
        .and.contain('aria-describedby="table-test"');
      expect(svg).to.contain('<title id="chart-test-title">Applications per service</title>');
      expect(svg).not.to.match(/style=|<script|on\w+=/i);
    });

    it('when a value is zero, then its row has its label and a 0 but no bar', () => {
      const svg = barChart({ ...frame('en'), bars: bars([4, 0, 2]), tickText: String });
      expect(rects(svg)).to.have.length(2);
      expect(texts(svg).map((t) => t.content)).to.include.members(['Service 2', '0']);
    });

    it('when there is a single bar, then it is drawn from the axis and scaled to the round maximum', () => {
      const svg = barChart({ ...frame('en'), bars: bars([5]), tickText: String });
      const [bar] = rects(svg);
      const width = viewBoxWidth(svg);
      const x0 = Math.round(width * 0.35) + 10; // 560 wide: labels take 35 %
      const plot = width - x0 - Math.max(72, Math.round(width * 0.2));
      expect(bar!.x).to.equal(x0);
      // Ticks 0, 2, 4, 6 (whole numbers): five sixths of the plot.
      expect(bar!.width).to.be.closeTo((plot * 5) / 6, 0.1);
    });

    it('when every value is zero or there is no row, then a sentence is shown instead of an empty frame', () => {
      for (const list of [bars([0, 0, 0]), [], bars([null, null])]) {
        const out = barChart({ ...frame('ar'), bars: list, tickText: String });
        expect(out).not.to.contain('<svg');
        expect(out).to.equal('<p class="chart-empty" id="chart-test-empty">Nothing to chart.</p>');
      }
    });

    it('when the page is Arabic, then the bars grow from the axis on the right and the labels stand to its right', () => {
      const en = barChart({ ...frame('en'), bars: bars([8, 4]), tickText: String });
      const ar = barChart({ ...frame('ar'), bars: bars([8, 4]), tickText: String });
      const width = viewBoxWidth(ar);
      const [enBar, arBar] = [rects(en)[0]!, rects(ar)[0]!];
      expect(arBar.width).to.equal(enBar.width);
      // Mirrored: the Arabic bar ends where the English one starts, counted from the other side.
      expect(arBar.x + arBar.width).to.be.closeTo(width - enBar.x, 0.1);
      const label = (svg: string) => texts(svg).find((t) => t.content === 'Service 1')!;
      expect(label(ar).x).to.be.closeTo(width - label(en).x, 0.1);
      expect(label(ar).x).to.be.greaterThan(arBar.x + arBar.width);
      expect(ar).to.contain('direction="rtl"');
      expect(en).to.contain('direction="ltr"');
    });

    it('when there are many services with long Arabic names, then every row is drawn, long names are shortened with the full name kept as a tooltip, and the drawing grows in height', () => {
      const long = 'موافقة بلدية على سجل تجاري لنشاط تجاري في مبنى قائم منذ سنوات طويلة';
      const many = Array.from({ length: 23 }, (_, i) => ({
        label: i % 2 ? long : `خدمة ${i}`,
        value: 100 - i,
        valueText: formatCount(100 - i, 'ar'),
      }));
      const svg = barChart({ ...frame('ar', { width: 340 }), bars: many, tickText: String });
      expect(rects(svg)).to.have.length(23);
      expect(svg).to.contain('…');
      expect(svg).to.contain(`<title>${long}</title>`);
      const height = Number(/viewBox="0 0 [\d.]+ ([\d.]+)"/.exec(svg)![1]);
      expect(height).to.be.greaterThan(23 * 30);
    });

    it('when a label holds markup, then it is escaped', () => {
      const svg = barChart({
        ...frame('en', { title: 'A & B' }),
        bars: [{ label: '<b>"x"</b>', value: 1, valueText: '<1>' }],
        tickText: String,
      });
      expect(svg).not.to.contain('<b>').and.not.to.contain('<1>');
      expect(svg)
        .to.contain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;')
        .and.contain('&lt;1&gt;')
        .and.contain('A &amp; B');
    });

    it('when a row has nothing to measure, then it says so in place of a bar', () => {
      const svg = barChart({ ...frame('en'), bars: bars([0.5, null]), max: 1, tickText: String });
      expect(rects(svg)).to.have.length(1);
      expect(texts(svg).map((t) => t.content)).to.include('none');
    });
  });

  describe('columns', () => {
    const columns = [
      { label: 'Sep', sublabel: '2026', value: 10, valueText: '10' },
      { label: 'Oct', sublabel: '', value: 0, valueText: '0' },
      { label: 'Nov', sublabel: '', value: 40, valueText: '40' },
    ];

    it('when months are drawn in Arabic, then they run from right to left with the axis on the right', () => {
      const en = columnChart({ ...frame('en'), columns, tickText: String });
      const ar = columnChart({ ...frame('ar'), columns, tickText: String });
      const [enSep, enNov] = rects(en);
      const [arSep, arNov] = rects(ar);
      expect(enSep!.x).to.be.lessThan(enNov!.x);
      expect(arSep!.x).to.be.greaterThan(arNov!.x);
      const tick = (svg: string) => texts(svg).find((t) => t.content === '40' && t.anchor === 'end')!;
      expect(tick(ar).x).to.be.greaterThan(viewBoxWidth(ar) / 2);
      expect(tick(en).x).to.be.lessThan(viewBoxWidth(en) / 2);
    });

    it('when a month has no applications, then it keeps its place and shows 0', () => {
      const svg = columnChart({ ...frame('en'), columns, tickText: String });
      expect(rects(svg)).to.have.length(2);
      expect(texts(svg).map((t) => t.content)).to.include.members(['Oct', '0']);
    });

    it('when every month is empty, then a sentence is shown', () => {
      const out = columnChart({
        ...frame('en'),
        columns: columns.map((c) => ({ ...c, value: 0 })),
        tickText: String,
      });
      expect(out).to.match(/^<p class="chart-empty"/);
    });

    it('when there are many months, then the drawing widens instead of squeezing them', () => {
      const year = Array.from({ length: 24 }, (_, i) => ({
        label: `M${i}`,
        sublabel: '',
        value: i + 1,
        valueText: '',
      }));
      expect(
        viewBoxWidth(columnChart({ ...frame('en'), columns: year, tickText: String })),
      ).to.be.greaterThan(560);
    });
  });

  describe('shares', () => {
    const parts = [
      { label: 'Web', value: 6, valueText: '6 (60%)', segmentText: '60%' },
      { label: 'Counter', value: 0, valueText: '0 (0%)', segmentText: '0%' },
      { label: 'Phone', value: 3, valueText: '3 (30%)', segmentText: '30%' },
      { label: 'E-mail', value: 1, valueText: '1 (10%)', segmentText: '10%' },
    ];

    it('when shares are drawn, then the segments fill the bar, an empty part has no segment but keeps its legend row with its figure', () => {
      const svg = shareChart({ ...frame('en'), parts });
      const all = rects(svg);
      const segments = all.filter((r) => r.height === 40);
      expect(segments).to.have.length(3);
      expect(segments.reduce((n, r) => n + r.width, 0)).to.be.closeTo(viewBoxWidth(svg), 0.5);
      expect(all.filter((r) => r.width === 16)).to.have.length(4);
      expect(texts(svg).map((t) => t.content)).to.include.members(['Counter', '0 (0%)', '60%', '6 (60%)']);
    });

    it('when the page is Arabic, then the first part starts at the right', () => {
      const ar = shareChart({ ...frame('ar'), parts });
      const [first] = rects(ar);
      expect(first!.x + first!.width).to.be.closeTo(viewBoxWidth(ar), 0.1);
      const en = shareChart({ ...frame('en'), parts });
      expect(rects(en)[0]!.x).to.equal(0);
    });

    it('when nothing was counted, then a sentence is shown', () => {
      expect(shareChart({ ...frame('en'), parts: parts.map((p) => ({ ...p, value: 0 })) })).to.match(
        /^<p class="chart-empty"/,
      );
    });
  });

  describe('the charts of a report', () => {
    const report = {
      period: { from: '2026-09-22', to: '2026-11-22' },
      municipality: null,
      total: 10,
      services: [
        {
          slug: 'residence-certificate',
          name: { ar: 'شهادة إثبات السكن', en: 'Residence certificate' },
          count: 7,
          share: 0.7,
          byStatus: {},
          decided: 4,
          medianDays: 2,
          p90Days: 5,
          withinSla: 0.75,
        },
        {
          slug: 'excavation-permit',
          name: { ar: 'رخصة حفريات', en: 'Excavation permit' },
          count: 3,
          share: 0.3,
          byStatus: {},
          decided: 0,
          medianDays: null,
          p90Days: null,
          withinSla: null,
        },
      ],
      byStatus: {},
      byChannel: { web: 6, counter: 3, phone: 0, email: 1, partner: 0 },
      byMonth: [
        { month: '2026-09', count: 4 },
        { month: '2026-11', count: 6 },
      ],
      withinSla: 0.75,
      overdueNow: {},
      overdueTotal: 0,
    } as unknown as StatsReport;

    it('when a report is charted, then every month of the period is listed, a month without applications as 0', () => {
      const charts = reportCharts(report, 'en');
      expect(charts.monthRows).to.deep.equal([
        { month: '2026-09', count: 4 },
        { month: '2026-10', count: 0 },
        { month: '2026-11', count: 6 },
      ]);
      expect(charts.format.month('2026-10')).to.equal('October 2026');
      expect(charts.format.share(null)).to.equal('—');
    });

    it('when a report is charted in Arabic, then the texts are Arabic, the service-level chart starts with all services, and a service without decisions says so', () => {
      const charts = reportCharts(report, 'ar');
      const compliance = texts(charts.compliance.wide).map((t) => t.content);
      expect(compliance.indexOf('جميع الخدمات')).to.be.lessThan(compliance.indexOf('شهادة إثبات السكن'));
      expect(compliance).to.include.members(['75%', 'لا قرارات بعد']);
      expect(texts(charts.channels.wide).map((t) => t.content)).to.include.members(['إلكترونيًا', '6 (60%)']);
      expect(texts(charts.months.wide).map((t) => t.content)).to.include('أكتوبر');
      expect(charts.services.wide).to.contain('aria-describedby="table-services"');
      expect(charts.months.wide).to.contain('aria-describedby="table-months"');
    });

    it('when a report is charted, then the phone drawing is narrower and has ids of its own', () => {
      const charts = reportCharts(report, 'en');
      expect(viewBoxWidth(charts.services.narrow)).to.be.lessThan(viewBoxWidth(charts.services.wide));
      expect(charts.services.narrow).to.contain('id="chart-services-narrow-title"');
      expect(charts.services.wide).to.contain('id="chart-services-title"');
    });

    it('when nothing has been decided, then the service-level chart is a sentence, not a chart of blanks', () => {
      const none = {
        ...report,
        withinSla: null,
        services: report.services.map((s) => ({ ...s, withinSla: null })),
      } as StatsReport;
      expect(reportCharts(none, 'en').compliance.wide).to.match(/^<p class="chart-empty"/);
    });

    it('when months are listed across a new year, then December is followed by January', () => {
      expect(monthsBetween('2026-11-30', '2027-02-01')).to.deep.equal([
        '2026-11',
        '2026-12',
        '2027-01',
        '2027-02',
      ]);
      expect(monthsBetween('2026-11-01', '2026-11-30')).to.deep.equal(['2026-11']);
    });
  });
});
