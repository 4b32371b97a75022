// One function per page. Each renders into `main` from API answers; ctx gives polling, confirmation,
// status and error reporting (see app.js).

import { api } from './api.js';
import { el, table, num } from './dom.js';
import { decode, duration, bytes } from './format.js';
import { lineChart } from './chart.js';

const PAGE = 20;
const SAMPLE_MS = 2000;
const topicLink = (t) => el('a', { href: `#/topics/${encodeURIComponent(t)}` }, t);
const groupLink = (g) => el('a', { href: `#/groups/${encodeURIComponent(g)}` }, g);
const shownData = new WeakMap();
/** Rebuilds box from data only when the data changed, so a refresh never takes the keyboard focus away. */
function update(box, data, build) {
  const signature = JSON.stringify(data);
  if (shownData.get(box) === signature) return;
  shownData.set(box, signature);
  box.replaceChildren(...[].concat(build()));
}
const records = (states) => states.reduce((sum, p) => sum + (p.highWatermark - p.logStartOffset), 0);

export async function topics(main, ctx) {
  const list = await api.topics();
  // a topic deleted since the list was read is left out; any other error is shown
  const described = (await Promise.all(list.map((t) => api.topic(t.name).catch((e) => {
    if (e.code === 'UNKNOWN_TOPIC') return null;
    throw e;
  })))).filter((t) => t !== null);
  const rows = described.map((t) => [topicLink(t.name), num(t.partitions), num(records(t.partitionStates)),
    'not reported', duration(t.retentionMs), bytes(t.retentionBytes), t.compression || 'none']);
  const name = el('input', { id: 'new-topic-name', name: 'name', required: true, pattern: '[a-zA-Z0-9._-]{1,249}' });
  const partitions = el('input', { id: 'new-topic-partitions', name: 'partitions', type: 'number', min: 1,
    max: 1000, value: 1, required: true });
  const form = el('form', { class: 'inline', id: 'create-topic', 'aria-labelledby': 'create-topic-title' },
    el('label', { for: 'new-topic-name' }, 'Name', name),
    el('label', { for: 'new-topic-partitions' }, 'Partitions', partitions),
    el('button', { type: 'submit' }, 'Create topic'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { name: name.value, partitions: Number(partitions.value) };
    if (!await ctx.confirm(`Create topic ${body.name} with ${body.partitions} partition(s)?`)) return;
    await ctx.act(async () => {
      await api.createTopic(body);
      ctx.status(`Created topic ${body.name}.`);
      ctx.go(`#/topics/${encodeURIComponent(body.name)}`);
    });
  });
  // the form comes first, so the keyboard reaches it without passing every topic's link
  main.replaceChildren(
    el('h2', { id: 'create-topic-title' }, 'Create a topic'), form,
    el('h2', {}, 'Topics'),
    described.length ? table(`${described.length} topic(s)`,
      ['Topic', 'Partitions', 'Records', 'Bytes stored', 'Retention (time)', 'Retention (size)', 'Compression'],
      rows, { id: 'topics-table' })
      : el('p', { id: 'topics-table' }, 'No topics yet.'));
}

export async function topic(main, ctx, name) {
  const samples = [];
  let previous = null;
  const chartBox = el('div', { id: 'rate-chart' });
  const partitionsBox = el('div');
  const summary = el('p', { id: 'topic-summary' });
  const del = el('button', { type: 'button', class: 'danger', id: 'delete-topic' }, `Delete topic ${name}`);
  del.addEventListener('click', async () => {
    if (!await ctx.confirm(`Delete topic ${name} and all its records? This cannot be undone.`)) return;
    await ctx.act(async () => {
      await api.deleteTopic(name);
      ctx.status(`Deleted topic ${name}.`);
      ctx.go('#/topics');
    });
  });
  main.replaceChildren(el('h2', {}, `Topic ${name}`), summary,
    el('p', {}, el('a', { href: `#/browse/${encodeURIComponent(name)}` }, 'Browse records')),
    partitionsBox, el('h3', {}, 'Produce rate (records/s, from the high watermarks)'), chartBox, del);
  const refresh = async () => {
    const t = await api.topic(name);
    const total = t.partitionStates.reduce((sum, p) => sum + p.highWatermark, 0);
    const now = Date.now();
    if (previous) samples.push({ t: now, v: Math.max(0, (total - previous.total) * 1000 / (now - previous.t)) });
    if (samples.length > 120) samples.shift();
    previous = { t: now, total };
    summary.textContent = `${t.partitions} partition(s), ${records(t.partitionStates).toLocaleString('en-US')} `
      + `record(s), retention ${duration(t.retentionMs)} / ${bytes(t.retentionBytes)}, `
      + `max record ${bytes(t.maxRecordBytes)}, compression ${t.compression || 'none'}, created ${new Date(t.createdAt).toISOString()}.`;
    update(partitionsBox, t.partitionStates, () => table('Partitions',
      ['Partition', 'logStartOffset', 'High watermark', 'Records'],
      t.partitionStates.map((p) => [num(p.partition), num(p.logStartOffset), num(p.highWatermark),
        num(p.highWatermark - p.logStartOffset)]), { id: 'partitions-table' }));
    chartBox.replaceChildren(lineChart('Produce rate', samples, 'records/s'));
  };
  await refresh();
  ctx.every(SAMPLE_MS, refresh);
}

function shown(field, label) {
  const d = decode(field);
  if (d.kind === 'null') return el('span', { class: 'badge' }, 'null');
  return el('div', { 'data-kind': d.kind }, el('span', { class: 'badge', title: `${label} shown as ${d.kind}` }, d.kind),
    el('pre', {}, d.text));
}

export async function browse(main, ctx, name, query) {
  const t = await api.topic(name);
  const partition = el('select', { id: 'browse-partition', name: 'partition' },
    t.partitionStates.map((p) => el('option', { value: p.partition }, String(p.partition))));
  const offset = el('input', { id: 'browse-offset', name: 'offset', type: 'number', min: 0, placeholder: 'earliest' });
  const timestamp = el('input', { id: 'browse-timestamp', name: 'timestamp', type: 'datetime-local', step: 1 });
  const form = el('form', { class: 'inline', id: 'browse-form' },
    el('label', { for: 'browse-partition' }, 'Partition', partition),
    el('label', { for: 'browse-offset' }, 'From offset', offset),
    el('label', { for: 'browse-timestamp' }, 'or from time (UTC)', timestamp),
    el('button', { type: 'submit' }, 'Show records'));
  const results = el('div', { id: 'records' });
  if (query.get('partition') !== null) partition.value = query.get('partition');
  if (query.get('offset') !== null) offset.value = query.get('offset');
  main.replaceChildren(el('h2', {}, 'Records of ', topicLink(name)), form, results);

  const show = async (p, from) => {
    const answer = await api.fetch(name, p, from, PAGE);
    const rows = answer.records.map((r) => [num(r.offset), new Date(r.timestamp).toISOString(),
      shown(r.key, 'key'), shown(r.value, 'value'),
      r.headers && r.headers.length ? el('dl', {}, r.headers.map((h) => [el('dt', {}, h.key), el('dd', {}, shown(h.value, 'header'))])) : '',
      el('button', { type: 'button', class: 'copy', 'aria-label': `Copy record ${r.offset} as JSON`,
        onclick: () => ctx.copy(JSON.stringify({ topic: name, partition: p, ...r }, null, 2), `record ${r.offset}`) },
      'Copy as JSON')]);
    const pager = el('nav', { 'aria-label': 'Pages of records' },
      from > answer.logStartOffset ? el('button', { type: 'button', id: 'previous-page',
        onclick: () => ctx.act(() => show(p, Math.max(answer.logStartOffset, from - PAGE))) }, 'Previous page') : '',
      ' ',
      answer.nextOffset < answer.highWatermark ? el('button', { type: 'button', id: 'next-page',
        onclick: () => ctx.act(() => show(p, answer.nextOffset)) }, 'Next page') : '');
    results.replaceChildren(
      el('p', { id: 'records-summary' }, `Partition ${p}: offsets ${from} to ${answer.nextOffset - 1} `
        + `of [${answer.logStartOffset}, ${answer.highWatermark}).`),
      table(`Records from offset ${from}`, ['Offset', 'Timestamp', 'Key', 'Value', 'Headers', ''], rows,
        { id: 'records-table' }),
      pager);
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.act(async () => {
      const p = Number(partition.value);
      let from;
      if (timestamp.value) {
        from = (await api.offsetAt(name, p, String(Date.parse(`${timestamp.value}Z`)))).offset;
      } else if (offset.value !== '') {
        from = Number(offset.value);
      } else {
        from = (await api.offsetAt(name, p, 'earliest')).offset;
      }
      await show(p, from);
    });
  });
  if (query.get('partition') !== null) form.requestSubmit();
}

export async function groups(main) {
  const list = await api.groups();
  main.replaceChildren(el('h2', {}, 'Consumer groups'), list.length
    ? el('ul', { id: 'groups-list' }, list.map((g) => el('li', {}, groupLink(g))))
    : el('p', { id: 'groups-list' }, 'No consumer groups yet.'));
}

export async function group(main, ctx, name) {
  const samples = [];
  const members = el('div');
  const offsets = el('div');
  const chart = el('div', { id: 'lag-chart' });
  const total = el('p', { id: 'total-lag' });
  const topicInput = el('input', { id: 'reset-topic', name: 'topic', required: true });
  const to = el('select', { id: 'reset-to', name: 'to' }, el('option', { value: 'earliest' }, 'earliest'),
    el('option', { value: 'latest' }, 'latest'));
  const reset = el('form', { class: 'inline', id: 'reset-group' },
    el('label', { for: 'reset-topic' }, 'Topic', topicInput), el('label', { for: 'reset-to' }, 'To', to),
    el('button', { type: 'submit', class: 'danger' }, 'Reset offsets'));
  reset.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { topic: topicInput.value, to: to.value };
    if (!await ctx.confirm(`Reset group ${name} on ${body.topic} to ${body.to}? The group must have no live members.`)) return;
    await ctx.act(async () => {
      const answer = await api.resetGroup(name, body);
      ctx.status(`Reset ${answer.offsets.length} partition(s) of group ${name}.`);
      await refresh();
    });
  });
  main.replaceChildren(el('h2', {}, `Consumer group ${name}`), total, members, offsets,
    el('h3', {}, 'Lag since this page opened'), chart,
    el('h3', {}, 'Reset an empty group'), reset);
  const refresh = async () => {
    const g = await api.group(name);
    const lag = g.offsets.reduce((sum, o) => sum + o.lag, 0);
    samples.push({ t: Date.now(), v: lag });
    if (samples.length > 1800) samples.shift(); // an hour of samples
    total.textContent = `Epoch ${g.groupEpoch}, ${g.members.length} member(s), total lag ${lag.toLocaleString('en-US')}.`;
    if (!topicInput.value && g.offsets.length) topicInput.value = g.offsets[0].topic;
    update(members, g.members, () => (g.members.length
      ? table('Members', ['Member', 'Epoch', 'Assignment'], g.members.map((m) => [m.memberId, num(m.memberEpoch),
        m.assignment.map((a) => `${a.topic}: ${a.partitions.join(', ')}`).join('; ') || 'nothing']), { id: 'members-table' })
      : el('p', { id: 'members-table' }, 'No live members.')));
    update(offsets, g.offsets, () => table('Offsets and lag',
      ['Topic', 'Partition', 'Committed', 'High watermark', 'Lag'],
      g.offsets.map((o) => [topicLink(o.topic), num(o.partition), num(o.committed), num(o.highWatermark), num(o.lag)]),
      { id: 'offsets-table' }));
    chart.replaceChildren(lineChart('Total lag', samples, 'records'));
  };
  await refresh();
  ctx.every(SAMPLE_MS, refresh);
}

export async function shareGroups(main) {
  const list = await api.shareGroups();
  main.replaceChildren(el('h2', {}, 'Share groups'), list.length
    ? el('ul', { id: 'share-groups-list' }, list.map((g) =>
      el('li', {}, el('a', { href: `#/share-groups/${encodeURIComponent(g)}` }, g))))
    : el('p', { id: 'share-groups-list' }, 'No share groups yet.'));
}

export async function shareGroup(main, ctx, name) {
  const body = el('div');
  main.replaceChildren(el('h2', {}, `Share group ${name}`), body);
  const refresh = async () => {
    const g = await api.shareGroup(name);
    const c = g.config;
    update(body, g, () => [
      el('p', { id: 'share-summary' }, `Topics ${c.topics.join(', ')}; delivery attempt limit ${c.deliveryAttemptLimit}; `
        + `lock ${duration(c.lockDurationMs)}; dead-letter topic ${c.deadLetterTopic || 'none'}; `
        + `ordering ${c.ordering || 'none'}. In flight (acquired) ${g.totals.acquired}, available `
        + `${g.totals.available}, lag ${g.totals.lag}, dead-lettered ${g.deadLettered}, pending dead letters `
        + `${g.pendingDeadLetters}.`),
      table('Share-partitions', ['Topic', 'Partition', 'Start', 'High watermark', 'Available', 'Acquired (in flight)',
        'Archived', 'Accepted', 'Dead-lettered', 'Pending dead letters', 'Lag'],
      g.partitions.map((p) => [topicLink(p.topic), num(p.partition), num(p.startOffset), num(p.highWatermark),
        num(p.available), num(p.acquired), num(p.archived), num(p.accepted), num(p.deadLettered),
        num(p.pendingDeadLetters), num(p.lag)]), { id: 'share-partitions-table' })]);
  };
  await refresh();
  ctx.every(SAMPLE_MS, refresh);
}

const subscriptionLink = (s) => el('a', { href: `#/subscriptions/${encodeURIComponent(s)}` }, s);
/** Where a subscription delivers. An http target's secret is never shown, only whether there is one. */
function targetText(t) {
  if (t.type === 'lambda') return `Lambda function ${t.functionArn}`;
  if (t.type === 'http') return `POST ${t.url} (${t.secret ? 'signed with a secret' : 'unsigned'})`;
  return t.type;
}

export async function subscriptions(main) {
  const list = await api.subscriptions();
  main.replaceChildren(el('h2', {}, 'Subscriptions'), list.length
    ? table(`${list.length} subscription(s)`, ['Subscription', 'Topic', 'Target', 'State'],
      list.map((s) => [subscriptionLink(s.name), topicLink(s.topic), targetText(s.target), s.state]),
      { id: 'subscriptions-table' })
    : el('p', { id: 'subscriptions-table' }, 'No subscriptions yet.'));
}

export async function subscription(main, ctx, name) {
  const body = el('div');
  const pause = el('button', { type: 'button', class: 'danger', id: 'pause-subscription', hidden: true },
    `Pause subscription ${name}`);
  const resume = el('button', { type: 'button', id: 'resume-subscription', hidden: true },
    `Resume subscription ${name}`);
  const change = (verb, call) => async () => {
    if (!await ctx.confirm(`${verb} subscription ${name}?`)) return;
    await ctx.act(async () => {
      const s = await call(name);
      ctx.status(`Subscription ${name} is ${s.state}.`);
      await refresh();
    });
  };
  pause.addEventListener('click', change('Pause', api.pauseSubscription));
  resume.addEventListener('click', change('Resume', api.resumeSubscription));
  main.replaceChildren(el('h2', {}, `Subscription ${name}`), body, pause, resume);
  const refresh = async () => {
    const d = await api.subscription(name);
    const s = d.subscription;
    pause.hidden = s.state !== 'ACTIVE';
    resume.hidden = s.state === 'ACTIVE';
    const inFlight = d.partitions.filter((p) => p.dispatching).length;
    update(body, d, () => [
      el('p', { id: 'subscription-state' }, `State ${s.state}${s.stateReason ? ` (${s.stateReason})` : ''}.`),
      el('p', { id: 'subscription-summary' }, 'Topic ', topicLink(s.topic), `, group `, groupLink(s.group),
        `; target ${targetText(s.target)}; batch size ${s.batchSize}, batching window `
        + `${duration(s.maxBatchingWindowMs)}, retries ${s.maximumRetryAttempts < 0 ? 'while retained' : s.maximumRetryAttempts}`
        + `${s.bisectBatchOnError ? ', bisecting on error' : ''}; dead-letter topic ${s.deadLetterTopic || 'none'}; `
        + `parallelization ${s.parallelizationFactor}; started at ${s.startAt}.`),
      el('p', { id: 'subscription-counts' }, `In flight (partitions being delivered) ${inFlight}, lag ${d.lag}, `
        + `delivered ${d.delivered}, failed (attempts) ${d.failed}, dead-lettered ${d.deadLettered}.`),
      el('p', { id: 'subscription-last-error' }, d.lastError ? `Last error: ${d.lastError}` : 'No error.'),
      table('Partitions', ['Partition', 'Committed', 'High watermark', 'Lag', 'Delivering now', 'Last error'],
        d.partitions.map((p) => [num(p.partition), num(p.committed), num(p.highWatermark), num(p.lag),
          p.dispatching ? 'yes' : 'no', p.lastError
            ? `${p.lastError} (${new Date(p.lastErrorAt).toISOString()})` : 'none']),
        { id: 'subscription-partitions-table' })]);
  };
  await refresh();
  ctx.every(SAMPLE_MS, refresh);
}

export async function maintenance(main, ctx) {
  const topicInput = el('input', { id: 'maintenance-topic', name: 'topic', placeholder: 'all topics' });
  const report = el('div', { id: 'maintenance-report' });
  const form = el('form', { class: 'inline', id: 'run-maintenance' },
    el('label', { for: 'maintenance-topic' }, 'Topic (empty for all)', topicInput),
    el('button', { type: 'submit', class: 'danger' }, 'Run a maintenance pass'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const t = topicInput.value.trim();
    if (!await ctx.confirm(`Run a maintenance pass (retention, compaction, garbage collection) over ${t || 'every topic'} now?`)) return;
    await ctx.act(async () => {
      const r = await api.maintenance(t);
      report.replaceChildren(table('Report of the pass', ['Measure', 'Value'],
        Object.entries(r).map(([k, v]) => [k, num(v)]), { id: 'maintenance-table' }));
      ctx.status('Maintenance pass finished.');
    });
  });
  main.replaceChildren(el('h2', {}, 'Maintenance'),
    el('p', {}, 'A pass also runs every 5 minutes on its own.'), form, report);
}
