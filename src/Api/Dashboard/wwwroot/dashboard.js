// The operator dashboard: polls the admin API (the session cookie authenticates every call) and renders it.
// No framework and no external script: the machine may be offline, so charts are drawn as inline SVG here.
'use strict';

const config = {
  pollMs: Number(document.body.dataset.pollMs) || 5000,
  chartWindow: document.body.dataset.chartWindow || '1h',
  chartStep: document.body.dataset.chartStep || '1m',
  comparisonLimit: Number(document.body.dataset.comparisonLimit) || 20,
  experimentLimit: Number(document.body.dataset.experimentLimit) || 4,
};
const ACTOR = 'dashboard';
const PALETTE = ['#2f6fde', '#e07b00', '#1f9d55', '#7b61ff', '#d64545', '#00a3a3'];
const state = { selectedFlag: null, selectedComparison: null, timer: null, experimentCards: new Map() };

// ---------- helpers ----------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  return node;
}

async function api(path, options) {
  // X-Dashboard-Request proves the call comes from this page's script: the API refuses cookie-signed writes without it.
  const settings = Object.assign({ credentials: 'same-origin' }, options || {});
  settings.headers = Object.assign({ Accept: 'application/json', 'X-Dashboard-Request': '1' }, (options || {}).headers || {});
  const response = await fetch(path, settings);
  if (response.status === 401) { window.location.assign('/dashboard/login'); throw new Error('signed out'); }
  if (!response.ok) {
    let detail = response.statusText;
    try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch (_) { /* not JSON */ }
    const error = new Error(`${response.status} ${detail}`);
    error.status = response.status;
    throw error;
  }
  return response.status === 204 ? null : response.json();
}

function post(path, body) {
  // No body, no content type: the kill endpoint reads a JSON body only when one is declared.
  const headers = { Accept: 'application/json', 'X-Actor': ACTOR };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return api(path, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const pct = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);
const num = (v, digits = 1) => (v === null || v === undefined ? '—' : Number(v).toFixed(digits));
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '—');
const dateTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

function unavailable(container, what, error) {
  container.replaceChildren(el('p', { class: 'unavailable' }, `${what} not available (${error.message}).`));
}

// ---------- flags ----------
function flagTree(flags) {
  const byParent = new Map();
  const names = new Set(flags.map((f) => f.name));
  for (const flag of flags) {
    // A parent that does not exist (or none) puts the flag at the root, so nothing is ever hidden.
    const parent = flag.parent && names.has(flag.parent) ? flag.parent : null;
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(flag);
  }
  return byParent;
}

function renderFlags(flags, rollouts) {
  const byParent = flagTree(flags);
  const build = (parent) => (byParent.get(parent) || []).map((flag) => {
    const children = build(flag.name);
    return el('li', { dataset: { flag: flag.name } }, flagRow(flag, rollouts.get(flag.name)), children.length ? el('ul', {}, children) : null);
  });
  document.getElementById('flag-tree').replaceChildren(...build(null));
}

function flagRow(flag, rollout) {
  const share = flag.status === 'enabled' ? (flag.rolloutPercentage ?? 100) : 0;
  const label = flag.status === 'enabled' ? `${num(share, 0)} %` : flag.status === 'shadow' ? 'shadow' : '0 %';
  const kill = el('button', {
    type: 'button', id: `kill-${flag.name}`, 'data-testid': `kill-${flag.name}`,
    disabled: flag.status === 'disabled' || flag.status === 'killed',
    title: 'Disable this flag now', onclick: (event) => { event.stopPropagation(); killFlag(flag.name); },
  }, 'Kill');
  return el('div', {
    class: `flag${state.selectedFlag === flag.name ? ' selected' : ''}`, id: `flag-${flag.name}`,
    onclick: () => selectFlag(flag.name),
  },
  el('span', { class: 'name', title: flag.description || '' }, flag.name),
  el('span', { class: `status ${flag.status}`, id: `flag-status-${flag.name}`, 'data-testid': `status-${flag.name}` }, flag.status),
  el('span', {}, el('div', { class: `bar ${flag.status}`, role: 'progressbar', 'aria-valuenow': share, 'aria-valuemin': 0, 'aria-valuemax': 100 },
    el('span', { style: `width:${Math.max(0, Math.min(100, share))}%` })), el('span', { class: 'bar-label' }, label)),
  kill,
  rollout ? el('span', { class: 'rollout-text' },
    `automated rollout ${rollout.status}: stage ${rollout.stage} of ${rollout.stages.join(' → ')}`
    + (rollout.lastDecision ? ` — ${rollout.lastDecision}` : '')) : null);
}

async function killFlag(name) {
  if (!window.confirm(`Kill flag "${name}"? Every router disables it within seconds.`)) return;
  try {
    await post(`/api/flags/${encodeURIComponent(name)}/kill`);
    state.selectedFlag = name;
    await refreshFlags();
  } catch (error) {
    window.alert(`Kill failed: ${error.message}`);
  }
}

function selectFlag(name) {
  state.selectedFlag = name;
  document.querySelectorAll('.flag.selected').forEach((n) => n.classList.remove('selected'));
  const row = document.getElementById(`flag-${name}`);
  if (row) row.classList.add('selected');
  return refreshAudit();
}

async function refreshAudit() {
  const list = document.getElementById('audit');
  const name = state.selectedFlag;
  document.getElementById('audit-flag').textContent = name ? `of ${name}` : '(select a flag)';
  if (!name) { list.replaceChildren(); return; }
  try {
    const events = await api(`/api/flags/${encodeURIComponent(name)}/events`);
    list.replaceChildren(...events.slice(0, 15).map((e) => el('li', { class: `event event-${e.type}`, dataset: { type: e.type } },
      el('span', { class: 'type' }, e.type), ' by ', el('span', { class: 'actor' }, e.actor), ' at ', dateTime(e.at),
      e.after && e.after.status ? ` → ${e.after.status}` : '', e.reason ? el('div', { class: 'muted' }, e.reason) : null)));
    if (events.length === 0) list.replaceChildren(el('li', { class: 'muted' }, 'no changes recorded'));
  } catch (error) {
    list.replaceChildren(el('li', { class: 'unavailable' }, `audit not available (${error.message})`));
  }
}

async function refreshFlags() {
  try {
    const flags = await api('/api/flags');
    // Only flags that were rolled out automatically have a rollout; the others answer 404, which means "none".
    const rollouts = new Map();
    await Promise.all(flags.map(async (flag) => {
      try { rollouts.set(flag.name, await api(`/api/flags/${encodeURIComponent(flag.name)}/rollout`)); } catch (_) { /* none */ }
    }));
    renderFlags(flags, rollouts);
    await renderRollouts([...rollouts.values()]);
  } catch (error) {
    unavailable(document.getElementById('flag-tree'), 'Flags', error);
    unavailable(document.getElementById('rollouts'), 'Rollouts', error);
  }
  await refreshAudit();
}

// ---------- rollouts (GET /api/flags/{name}/rollout, evidence from GET /api/flags/{name}/events) ----------
/** A mean comparison as the gates record it: means, difference, t and the one-sided p-values. */
function describeScores(c) {
  if (!c) return null;
  return `${num(c.treatmentMean, 3)} (n ${c.treatmentCount}) against ${num(c.controlMean, 3)} (n ${c.controlCount}),`
    + ` Δ ${num(c.difference, 3)}, ${c.test} t ${num(c.t, 2)}, p worse ${num(c.worsePValue, 3)}, p better ${num(c.betterPValue, 3)}`;
}

function evidenceList(facts) {
  const items = [];
  const item = (label, value) => { if (value !== null && value !== undefined) items.push(el('li', { dataset: { evidence: label } }, el('b', {}, `${label}: `), value)); };
  item('action', facts.action);
  item('blocked', facts.blocked);
  item('compares', facts.sides);
  item('samples', facts.samples === undefined ? null : `${facts.samples} of ${facts.minSamples}, dwell ${facts.dwellElapsed ? 'elapsed' : 'not elapsed'}`);
  if (facts.experiment) {
    const x = facts.experiment;
    item('experiment', `${x.id}: ${x.treatment} vs ${x.control} on ${x.metric}`);
    item('experiment scores', describeScores(x.comparison));
  }
  item('eval scores', describeScores(facts.evalScores));
  item('match rate', facts.matchRate === undefined || facts.matchRate === null ? null : `${pct(facts.matchRate)} over ${facts.comparisons} comparisons`
    + (facts.matchRateGate ? ` (gate ${pct(facts.matchRateGate.gate)}, trigger ${pct(facts.matchRateGate.trigger)})` : ''));
  if (facts.errorRate) item('error rate', `${pct(facts.errorRate.treatment)} against ${pct(facts.errorRate.control)}`);
  if (facts.latencyP95) item('p95 latency', `${num(facts.latencyP95.treatment, 0)} ms against ${num(facts.latencyP95.control, 0)} ms`);
  return el('ul', { class: 'evidence' }, items);
}

async function renderRollouts(rollouts) {
  const container = document.getElementById('rollouts');
  if (rollouts.length === 0) { container.replaceChildren(el('p', { class: 'muted' }, 'No automated rollout.')); return; }
  // Running rollouts first: they are the ones an operator may have to act on.
  rollouts.sort((a, b) => (a.status === 'running' ? 0 : 1) - (b.status === 'running' ? 0 : 1) || b.startedAt.localeCompare(a.startedAt));
  const cards = await Promise.all(rollouts.map(async (r) => {
    let evidence;
    try {
      const events = await api(`/api/flags/${encodeURIComponent(r.flag)}/events`);
      const decision = events.find((e) => e.type === 'rollout' && e.after && e.after.rolloutId === r.id);
      evidence = decision
        ? el('div', {}, el('div', { class: 'muted' }, `evidence of the last recorded decision (${dateTime(decision.at)}): ${decision.reason || ''}`), evidenceList(decision.after))
        : el('p', { class: 'muted' }, 'no decision recorded yet');
    } catch (error) {
      evidence = el('p', { class: 'unavailable' }, `evidence not available (${error.message})`);
    }
    const running = r.status === 'running';
    return el('div', { class: 'rollout', dataset: { flag: r.flag, id: r.id } },
      el('div', {}, el('b', { class: 'flag-name' }, r.flag), ' ', el('span', { class: `kind ${r.kind}`, 'data-testid': `rollout-kind-${r.flag}` }, r.kind),
        ' ', el('span', { class: 'rollout-status' }, r.status), ` · stage ${r.stage} of ${r.stages.join(' → ')}`
        + (r.percentage === null || r.percentage === undefined ? '' : ` (${num(r.percentage, 0)} %)`)
        + ` · at least ${r.minSamples} samples and ${r.minDwell} per stage · started ${dateTime(r.startedAt)} by ${r.startedBy}`),
      el('div', { class: 'decision' }, el('b', {}, running ? 'Why it holds: ' : 'Last decision: '),
        el('span', { class: 'last-decision', 'data-testid': `rollout-decision-${r.flag}` }, r.lastDecision || 'not evaluated yet')),
      evidence);
  }));
  container.replaceChildren(...cards);
}

// ---------- experiments (GET /api/experiments, per question GET /api/experiments/{id}) ----------
const ratio = (v) => num(v, 3);

function variantTable(experiment) {
  const k = experiment.variants.length ? experiment.variants[0].quality.k : 5;
  return el('table', { class: 'list variants' },
    el('thead', {}, el('tr', {}, ['variant', 'answered', 'failed', 'hit@1', `hit@${k}`, 'MRR', 'right reg.', 'cit. precision', 'eval score', 'p50 ms', 'p95 ms']
      .map((h) => el('th', {}, h)))),
    el('tbody', {}, experiment.variants.map((v) => el('tr', { dataset: { variant: v.variant } },
      el('td', { class: v.variant === experiment.treatment ? 'treatment' : null }, v.variant), el('td', {}, v.answered), el('td', {}, v.failed),
      el('td', {}, ratio(v.quality.hitAt1)), el('td', {}, ratio(v.quality.hitAtK)), el('td', {}, ratio(v.quality.meanReciprocalRank)),
      el('td', {}, ratio(v.quality.rightRegulationShare)), el('td', {}, ratio(v.quality.citationPrecision)), el('td', {}, ratio(v.score)),
      el('td', {}, num(v.quality.latencyP50Ms, 0)), el('td', {}, num(v.quality.latencyP95Ms, 0))))));
}

async function loadQuestions(id, target) {
  target.replaceChildren(el('p', { class: 'muted' }, 'loading…'));
  try {
    const detail = await api(`/api/experiments/${encodeURIComponent(id)}`);
    target.replaceChildren(el('table', { class: 'list questions' },
      el('thead', {}, el('tr', {}, ['question', 'variant', 'outcome', 'score', 'hit@1', 'RR', 'cit. precision', 'ms', 'sources', 'answer'].map((h) => el('th', {}, h)))),
      el('tbody', {}, detail.questions.map((q) => el('tr', { dataset: { question: q.questionId, variant: q.variant } },
        el('td', { title: q.question }, q.questionId), el('td', {}, q.variant), el('td', {}, q.outcome), el('td', {}, ratio(q.score)),
        el('td', {}, ratio(q.hitAt1)), el('td', {}, ratio(q.reciprocalRank)), el('td', {}, ratio(q.citationPrecision)), el('td', {}, q.latencyMs ?? '—'),
        el('td', {}, q.sources.join(', ')), el('td', {}, el('div', { class: 'answer' }, q.answer || '—')))))));
  } catch (error) {
    unavailable(target, 'Questions', error);
  }
}

function experimentCard(x) {
  const questions = el('div', { class: 'questions-body' });
  // Per-question rows are fetched only when asked for: an experiment holds up to a thousand questions per variant.
  const details = el('details', { class: 'per-question', ontoggle: (event) => { if (event.target.open) loadQuestions(x.id, questions); } },
    el('summary', {}, 'Per question'), questions);
  return el('div', { class: 'experiment', dataset: { id: x.id, status: x.status } },
    el('h3', {}, x.name, ' ', el('span', { class: 'muted' }, x.status)),
    el('div', { class: 'muted' }, `flag ${x.flag} · ${x.dataset}, ${x.questions} questions · ${x.collected}/${x.total} answered`
      + ` · ${x.treatment} vs ${x.control} · ${dateTime(x.createdAt)} by ${x.createdBy}`),
    variantTable(x), details);
}

async function refreshExperiments() {
  const container = document.getElementById('experiments');
  try {
    const experiments = await api(`/api/experiments?limit=${config.experimentLimit}`);
    if (experiments.length === 0) { container.replaceChildren(el('p', { class: 'muted' }, 'No experiments.')); state.experimentCards.clear(); return; }
    // A card whose experiment has not moved is kept as it is, so an open per-question view survives the poll.
    const cards = new Map();
    for (const x of experiments) {
      const key = `${x.status}:${x.collected}`;
      const kept = state.experimentCards.get(x.id);
      cards.set(x.id, kept && kept.key === key ? kept : { key, node: experimentCard(x) });
    }
    state.experimentCards = cards;
    container.replaceChildren(...[...cards.values()].map((c) => c.node));
  } catch (error) {
    unavailable(container, 'Experiments', error);
  }
}

// ---------- summary and charts ----------
async function refreshSummary() {
  const container = document.getElementById('summary');
  try {
    const s = await api('/api/metrics/summary?window=5m');
    const t = s.traffic;
    const kpi = (label, value) => el('div', { class: 'kpi' }, el('span', { class: 'muted' }, label), el('b', {}, value));
    container.replaceChildren(
      kpi('Requests (5 min)', t.requests), kpi('Request rate', `${num(t.requestRate, 2)}/s`), kpi('Error rate', pct(t.errorRate)),
      kpi('p95 latency', `${num(t.latency.p95, 0)} ms`), kpi('Cache hit rate', pct(t.cacheHitRate)),
      kpi('Cost / 1k requests', `$${num(t.costPer1000Requests, 4)}`), kpi('Match rate', pct(s.comparisons.matchRate)));
  } catch (error) {
    unavailable(container, 'Summary', error);
  }
}

function lineChart(title, buckets, lines, format) {
  const width = 360, height = 140, pad = { l: 44, r: 8, t: 8, b: 18 };
  const values = lines.flatMap((line) => buckets.map(line.value)).filter((v) => v !== null && v !== undefined && !Number.isNaN(v));
  // An empty or all-zero chart still gets a readable scale.
  const max = (values.length && Math.max(...values) > 0 ? Math.max(...values) : 1) * 1.1;
  const x = (i) => pad.l + (buckets.length <= 1 ? 0 : (i / (buckets.length - 1)) * (width - pad.l - pad.r));
  const y = (v) => height - pad.b - (v / max) * (height - pad.t - pad.b);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': title });
  for (const f of [0, 0.5, 1]) {
    chart.append(svg('line', { x1: pad.l, x2: width - pad.r, y1: y(max * f / 1.1), y2: y(max * f / 1.1), stroke: '#e3e6ec' }));
    const label = svg('text', { x: pad.l - 4, y: y(max * f / 1.1) + 3, 'text-anchor': 'end', 'font-size': 9, fill: '#6b7385' });
    label.textContent = format(max * f / 1.1);
    chart.append(label);
  }
  if (buckets.length) {
    for (const [i, anchor] of [[0, 'start'], [buckets.length - 1, 'end']]) {
      const label = svg('text', { x: x(i), y: height - 4, 'text-anchor': anchor, 'font-size': 9, fill: '#6b7385' });
      label.textContent = time(buckets[i].start);
      chart.append(label);
    }
  }
  lines.forEach((line, n) => {
    // Buckets with no value (nothing recorded) break the line rather than pretend a zero.
    let d = '', pen = false;
    buckets.forEach((bucket, i) => {
      const v = line.value(bucket);
      if (v === null || v === undefined || Number.isNaN(v)) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    if (d) chart.append(svg('path', { d, fill: 'none', stroke: PALETTE[n % PALETTE.length], 'stroke-width': 1.6 }));
  });
  const last = (line) => { for (let i = buckets.length - 1; i >= 0; i--) { const v = line.value(buckets[i]); if (v !== null && v !== undefined) return v; } return null; };
  return el('figure', { class: 'chart', 'data-chart': title },
    el('h3', {}, title), chart,
    el('div', { class: 'legend' }, lines.map((line, n) => el('span', {}, el('i', { style: `background:${PALETTE[n % PALETTE.length]}` }),
      `${line.name}: ${last(line) === null ? '—' : format(last(line))}`))));
}

async function refreshCharts() {
  const container = document.getElementById('charts');
  try {
    const series = await api(`/api/metrics/series?window=${encodeURIComponent(config.chartWindow)}&step=${encodeURIComponent(config.chartStep)}`);
    const b = series.buckets;
    document.getElementById('charts-range').textContent = `(last ${series.window}, ${series.step} buckets)`;
    const pipelines = [...new Set(b.flatMap((bucket) => Object.keys(bucket.pipelines)))].sort();
    const perPipeline = (field) => pipelines.map((p) => ({ name: `${p} ${field}`, value: (bucket) => (bucket.pipelines[p] ? bucket.pipelines[p][field] : null) }));
    const ms = (v) => `${v.toFixed(0)} ms`;
    const rate = (v) => `${(v * 100).toFixed(0)} %`;
    const whenServed = (f) => (bucket) => (bucket.served + bucket.failed === 0 ? null : f(bucket));
    container.replaceChildren(
      lineChart('Request rate', b, [{ name: 'req/s', value: (x) => x.requestRate }], (v) => `${v.toFixed(2)}/s`),
      lineChart('Latency per pipeline', b, [...perPipeline('p50'), ...perPipeline('p95')], ms),
      lineChart('Error rate', b, [{ name: 'errors', value: whenServed((x) => x.errorRate) }], rate),
      lineChart('Cache hit rate', b, [{ name: 'hits', value: whenServed((x) => x.cacheHitRate) }], rate),
      lineChart('Cost', b, [{ name: 'USD', value: (x) => x.costUsd }], (v) => `$${v.toFixed(4)}`),
      lineChart('Share per pipeline', b, pipelines.map((p) => ({ name: p, value: (x) => (x.served === 0 ? null : (x.pipelines[p] ? x.pipelines[p].share : 0)) })), rate),
      lineChart('Comparison match rate', b, [{ name: 'match', value: (x) => x.matchRate }], rate));
  } catch (error) {
    unavailable(container, 'Charts', error);
  }
}

// ---------- alerts ----------
async function refreshAlerts() {
  const container = document.getElementById('alerts');
  try {
    const alerts = await api('/api/alerts');
    container.replaceChildren(...(alerts.length === 0
      ? [el('p', { class: 'muted' }, 'No active alerts.')]
      : alerts.map((a) => el('div', { class: `alert ${a.severity}` },
        el('b', {}, a.rule), ` (${a.severity}): ${num(a.value, 3)} against ${num(a.threshold, 3)}, since ${dateTime(a.since)}`))));
  } catch (error) {
    unavailable(container, 'Alerts', error);
  }
}

// ---------- comparisons ----------
async function refreshComparisons() {
  const body = document.querySelector('#comparisons tbody');
  try {
    const rows = await api(`/api/comparisons?limit=${config.comparisonLimit}`);
    body.replaceChildren(...rows.map((c) => el('tr', {
      class: state.selectedComparison === c.id ? 'selected' : null, dataset: { id: c.id }, onclick: () => showComparison(c.id),
    },
    el('td', {}, time(c.createdAt)), el('td', {}, c.flagName), el('td', {}, c.kind),
    el('td', { class: c.match ? 'yes' : 'no' }, c.match ? 'yes' : 'no'), el('td', {}, num(c.textSimilarity, 3)),
    el('td', {}, c.oldDurationMs), el('td', {}, c.newDurationMs ?? '—'))));
    if (rows.length === 0) body.replaceChildren(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No comparisons recorded yet.')));
  } catch (error) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: 7, class: 'unavailable' }, `Comparisons not available (${error.message}).`)));
  }
}

/** Word-level diff (longest common subsequence), bounded so a long answer cannot freeze the page. */
function wordDiff(oldText, newText) {
  const a = (oldText || '').split(/(\s+)/), b = (newText || '').split(/(\s+)/);
  if (a.length * b.length > 400000) return { old: [document.createTextNode(oldText || '')], new: [document.createTextNode(newText || '')] };
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const left = [], right = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { left.push(document.createTextNode(a[i])); right.push(document.createTextNode(b[j])); i++; j++; }
    else if (j < b.length && (i >= a.length || lcs[i][j + 1] >= lcs[i + 1][j])) { right.push(el('ins', {}, b[j])); j++; }
    else { left.push(el('del', {}, a[i])); i++; }
  }
  return { old: left, new: right };
}

function answerSide(title, result, textNodes, otherSources) {
  if (!result) return el('div', { class: 'side' }, el('h3', {}, title), el('p', { class: 'muted' }, 'no result'));
  if (typeof result.text !== 'string') return el('div', { class: 'side' }, el('h3', {}, title), el('pre', {}, JSON.stringify(result, null, 2)));
  const others = new Map((otherSources || []).map((s) => [s.id, s.score]));
  return el('div', { class: 'side' }, el('h3', {}, title),
    el('pre', { class: 'text' }, textNodes),
    el('h3', {}, 'Citations'),
    el('p', {}, (result.citations || []).map((c) => `[${c.index}] ${c.sourceId}`).join(', ') || '—'),
    el('h3', {}, 'Sources'),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'id'), el('th', {}, 'title'), el('th', {}, 'score'), el('th', {}, 'other side'))),
      el('tbody', {}, (result.sources || []).map((s) => el('tr', {},
        el('td', {}, s.id), el('td', {}, s.title || ''), el('td', {}, num(s.score, 3)),
        el('td', { class: others.has(s.id) ? '' : 'no' }, others.has(s.id) ? num(others.get(s.id), 3) : 'missing'))))));
}

async function showComparison(id) {
  state.selectedComparison = id;
  document.querySelectorAll('#comparisons tbody tr').forEach((r) => r.classList.toggle('selected', r.dataset.id === id));
  const panel = document.getElementById('comparison-diff');
  try {
    const c = await api(`/api/comparisons/${id}`);
    const diff = wordDiff(c.oldResult && c.oldResult.text, c.newResult && c.newResult.text);
    panel.classList.remove('muted');
    panel.replaceChildren(
      el('p', {}, el('b', {}, c.match ? 'Match' : 'Mismatch'), ` · similarity ${num(c.textSimilarity, 3)} · citations ${c.citationsMatch ? 'equal' : 'differ'}`
        + ` · sources ${c.sourcesMatch ? 'match' : 'differ'} (overlap ${num(c.scores.sourceIdOverlap, 2)}, max score Δ ${num(c.scores.maxScoreDelta, 3)})`
        + ` · new outcome ${c.newOutcome}`),
      el('div', { class: 'sides' },
        answerSide(`Old (${c.oldDurationMs} ms)`, c.oldResult, diff.old, c.newResult && c.newResult.sources),
        answerSide(`New (${c.newDurationMs ?? '—'} ms)`, c.newResult, diff.new, c.oldResult && c.oldResult.sources)),
      el('details', {}, el('summary', {}, 'Comparator diff'), el('pre', {}, JSON.stringify(c.diff, null, 2))));
  } catch (error) {
    unavailable(panel, 'Comparison', error);
  }
}

// ---------- evals (GET /api/evals?flagged=true, POST /api/evals/{id}/review) ----------
async function refreshEvals() {
  const container = document.getElementById('evals');
  try {
    const evals = await api('/api/evals?flagged=true');
    container.replaceChildren(...(evals.length === 0 ? [el('p', { class: 'muted' }, 'Nothing waiting for review.')]
      : evals.map((e) => el('div', { class: 'eval', dataset: { id: e.id } },
        el('div', {}, el('b', {}, e.question), el('div', { class: 'muted' },
          `${e.pipeline} · ${e.reason || ''} · citation quality ${num(e.citationQuality, 2)} · groundedness ${num(e.groundedness, 2)}`
          + ` · relevance ${num(e.answerRelevance, 2)} · ${dateTime(e.createdAt)}`)),
        el('div', {},
          el('button', { type: 'button', class: 'approve', onclick: () => review(e.id, 'approved') }, 'Approve'), ' ',
          el('button', { type: 'button', onclick: () => review(e.id, 'rejected') }, 'Reject'))))));
  } catch (error) {
    unavailable(container, 'Eval review queue', error);
  }
}

async function review(id, verdict) {
  const note = window.prompt(`Note for ${verdict} (optional)`, '') ?? '';
  try {
    await post(`/api/evals/${encodeURIComponent(id)}/review`, { verdict, note });
  } catch (error) {
    window.alert(`Review failed: ${error.message}`);
  }
  await refreshEvals();
}

// ---------- replays (GET /api/ops/replay) ----------
async function refreshReplays() {
  const container = document.getElementById('replays');
  try {
    const replays = await api('/api/ops/replay');
    container.replaceChildren(...(replays.length === 0 ? [el('p', { class: 'muted' }, 'No replays.')]
      : replays.map((r) => {
        const total = Math.max(r.total, 1);
        return el('div', { class: 'replay', dataset: { id: r.id } },
          el('div', {}, el('b', {}, r.status), ` · ${r.done}/${r.total} done, ${r.failed} failed · ${dateTime(r.from)} → ${dateTime(r.to)}`),
          el('div', { class: 'progress' },
            el('span', { class: 'done', style: `width:${(100 * (r.done - r.failed)) / total}%` }),
            el('span', { class: 'failed', style: `width:${(100 * r.failed) / total}%` })));
      })));
  } catch (error) {
    unavailable(container, 'Replay progress', error);
  }
}

// ---------- polling ----------
async function refreshAll() {
  await Promise.all([refreshFlags(), refreshExperiments(), refreshSummary(), refreshCharts(), refreshAlerts(), refreshComparisons(), refreshEvals(), refreshReplays()]);
  document.getElementById('refreshed').textContent = `updated ${new Date().toLocaleTimeString()} · every ${config.pollMs / 1000}s`;
  document.body.dataset.loaded = 'true';
}

async function poll() {
  try { await refreshAll(); } finally { state.timer = window.setTimeout(poll, config.pollMs); }
}

poll();
