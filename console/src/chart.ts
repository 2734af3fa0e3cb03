import { h, s } from './dom';

export interface Series {
  key: string;
  label: string;
  /** A CSS class giving the colour (contrast-checked in styles.css). */
  tone: string;
  values: number[];
}

const W = 560;
const H = 230;
const PAD = { left: 40, right: 16, top: 14, bottom: 30 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v) ?? v;
}

/**
 * A line chart as hand-made SVG: one polyline and one point per day and series. Every point carries
 * data-series, data-day and data-value, and a <title> for hover and screen readers; the whole chart
 * has an accessible name and a table fallback (visually hidden) with the same numbers.
 */
export function lineChart(title: string, days: string[], series: Series[]): HTMLElement {
  const all = series.flatMap((x) => x.values);
  const top = niceMax(Math.max(0, ...all));
  const bottom = Math.min(0, ...all) < 0 ? -niceMax(-Math.min(...all)) : 0;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days.length <= 1 ? innerW / 2 : (i * innerW) / (days.length - 1));
  const y = (v: number) => PAD.top + ((top - v) * innerH) / (top - bottom || 1);

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart', preserveAspectRatio: 'xMidYMid meet' });
  svg.appendChild(s('title', {}, title));
  for (const v of [bottom, bottom + (top - bottom) / 2, top]) {
    svg.appendChild(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }));
    svg.appendChild(s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, String(Number(v.toFixed(top - bottom < 10 ? 2 : 0)))));
  }
  if (bottom < 0) svg.appendChild(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0), class: 'axis' }));
  const every = Math.max(1, Math.ceil(days.length / 7));
  days.forEach((d, i) => {
    // The first and last labels lean inwards so neither is cut at the edge; one that would crowd the last is skipped.
    const last = i === days.length - 1;
    if ((i % every === 0 && (last || days.length - 1 - i >= every / 2)) || last) {
      const anchor = days.length === 1 ? 'middle' : i === 0 ? 'start' : last ? 'end' : 'middle';
      svg.appendChild(s('text', { x: x(i), y: H - 8, 'text-anchor': anchor, class: 'tick day-label' }, d.slice(5)));
    }
  });
  for (const ser of series) {
    const g = s('g', { class: `series ${ser.tone}`, 'data-series': ser.key });
    g.appendChild(s('polyline', { points: ser.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '), fill: 'none' }));
    ser.values.forEach((v, i) => {
      const dot = s('circle', { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 3.5, class: 'point', 'data-day': days[i]!, 'data-value': v });
      dot.appendChild(s('title', {}, `${ser.label} ${days[i]}: ${v}`));
      g.appendChild(dot);
    });
    svg.appendChild(g);
  }

  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((x) => h('li', { class: x.tone }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), x.label)),
  );
  // Visually hidden in a div: tables ignore overflow, so hiding the table itself would still stretch the page.
  const table = h(
    'div',
    { class: 'visually-hidden' },
    h(
      'table',
      {},
      h('caption', {}, title),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, ''),
          series.map((x) => h('th', { scope: 'col' }, x.label)),
        ),
      ),
      h(
        'tbody',
        {},
        days.map((d, i) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, d),
            series.map((x) => h('td', {}, String(x.values[i] ?? 0))),
          ),
        ),
      ),
    ),
  );
  const fig = h('figure', { class: 'chart-card' }, h('figcaption', {}, title), svg, legend, table);
  return fig;
}

export interface Bar {
  key: string;
  /** Under the bar (e.g. the rank), and in the table fallback. */
  label: string;
  value: number;
  /** Drawn in the highlight tone and named in the legend (e.g. the round's best luck). */
  highlight?: boolean;
  /** Hover text and the screen-reader name of the bar. */
  title?: string;
}

/**
 * A bar chart as hand-made SVG, one bar per item in the given order. Every bar carries data-key,
 * data-value (and data-highlight), and a <title>; like lineChart, an accessible name and a visually
 * hidden table with the same numbers. `format` writes values (ticks, titles, table), e.g. as yuan.
 */
export function barChart(title: string, bars: Bar[], opts: { format?: (v: number) => string; label?: string; highlightLabel?: string } = {}): HTMLElement {
  const format = opts.format ?? ((v: number) => String(v));
  const top = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  // Room on the left for the widest tick (formatted values such as ¥20.00 are wider than plain numbers).
  const left = Math.max(PAD.left, 12 + 9 * Math.max(...[0, top / 2, top].map((v) => format(v).length)));
  const innerW = W - left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(1, bars.length);
  const y = (v: number) => PAD.top + ((top - v) * innerH) / top;

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart bar-chart', preserveAspectRatio: 'xMidYMid meet' });
  svg.appendChild(s('title', {}, title));
  for (const v of [0, top / 2, top]) {
    svg.appendChild(s('line', { x1: left, x2: W - PAD.right, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }));
    svg.appendChild(s('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, format(v)));
  }
  // Labels under at most ~20 bars, so they never overlap.
  const every = Math.max(1, Math.ceil(bars.length / 20));
  bars.forEach((b, i) => {
    const x = left + i * slot + slot * 0.15;
    const height = Math.max(b.value > 0 ? 1 : 0, y(0) - y(b.value));
    const rect = s('rect', {
      x: x.toFixed(1),
      y: (y(0) - height).toFixed(1),
      width: Math.max(1, slot * 0.7).toFixed(1),
      height: height.toFixed(1),
      class: b.highlight ? 'bar highlight' : 'bar',
      'data-key': b.key,
      'data-value': b.value,
    });
    if (b.highlight) rect.setAttribute('data-highlight', 'true');
    rect.appendChild(s('title', {}, b.title ?? `${b.label}: ${format(b.value)}`));
    svg.appendChild(rect);
    if (i % every === 0) svg.appendChild(s('text', { x: (left + (i + 0.5) * slot).toFixed(1), y: H - 8, 'text-anchor': 'middle', class: 'tick' }, b.label));
  });

  const highlighted = bars.some((b) => b.highlight) && opts.highlightLabel;
  const legend = highlighted
    ? h('ul', { class: 'legend' }, h('li', { class: 'bar-highlight' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), opts.highlightLabel!))
    : null;
  const table = h(
    'div',
    { class: 'visually-hidden' },
    h(
      'table',
      {},
      h('caption', {}, title),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, opts.label ?? ''), h('th', { scope: 'col' }, title))),
      h(
        'tbody',
        {},
        bars.map((b) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, b.label),
            h('td', {}, `${format(b.value)}${b.highlight && opts.highlightLabel ? ` (${opts.highlightLabel})` : ''}`),
          ),
        ),
      ),
    ),
  );
  return h('figure', { class: 'chart-card' }, h('figcaption', {}, title), svg, legend, table);
}
