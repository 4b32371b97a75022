// A line chart in plain SVG: the series, its axis range written as text, and the latest value as text,
// so nothing is told by colour alone.

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Draws points [{t, v}] into a new SVG element labelled `label`, `unit` after each number. */
export function lineChart(label, points, unit, width = 420, height = 120) {
  const root = svg('svg', { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
  const last = points.length ? points[points.length - 1].v : null;
  const max = Math.max(1, ...points.map((p) => p.v));
  const summary = last === null ? `${label}: no samples yet`
    : `${label}: latest ${round(last)} ${unit}, highest ${round(max)} ${unit}, ${points.length} samples`;
  root.setAttribute('aria-label', summary);
  root.append(svg('title', {}, summary));
  const left = 40, right = width - 8, top = 8, bottom = height - 18;
  root.append(svg('line', { x1: left, y1: bottom, x2: right, y2: bottom, stroke: '#667' }));
  root.append(svg('line', { x1: left, y1: top, x2: left, y2: bottom, stroke: '#667' }));
  root.append(svg('text', { x: 2, y: top + 8 }, round(max)));
  root.append(svg('text', { x: 2, y: bottom }, '0'));
  root.append(svg('text', { x: left, y: height - 4 }, last === null ? 'waiting for samples'
    : `latest: ${round(last)} ${unit}`));
  if (points.length > 1) {
    const t0 = points[0].t, span = Math.max(1, points[points.length - 1].t - t0);
    const coords = points.map((p) => `${(left + (p.t - t0) / span * (right - left)).toFixed(1)},`
      + `${(bottom - p.v / max * (bottom - top)).toFixed(1)}`);
    root.append(svg('polyline', { points: coords.join(' ') }));
  }
  return root;
}

function round(v) {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
