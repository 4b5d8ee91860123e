// The Threatline operator console (docs/operations.md, "The console"). Read-only. Every value from the
// pipeline (indicator values, dead letters, partner names) is put on the page as text, never as markup.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const REFRESH_MS = 5000;
let timer = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
const fmt = n => (typeof n === 'number' ? n.toLocaleString('en') : (n === null || n === undefined ? '–' : String(n)));

async function api(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await r.json(); } catch (e) { body = { error: r.statusText }; }
  return { status: r.status, body };
}

function table(node, head, rows) {
  clear(node);
  node.appendChild(el('tr', {}, head.map(h => el('th', {}, h))));
  for (const row of rows) {
    node.appendChild(el('tr', {}, row.map(c => (c instanceof Node ? el('td', {}, c)
      : el('td', typeof c === 'number' ? { class: 'num' } : {}, fmt(c))))));
  }
  return node;
}

// ---------- overview ----------

function chart(title, samples, key, intervalSeconds) {
  const w = 320, h = 90;
  const rates = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1], b = samples[i];
    if (a[key] === undefined || b[key] === undefined) continue;
    const secs = Math.max(1, (b.at - a.at) / 1000);
    rates.push({ at: b.at, v: Math.max(0, (b[key] - a[key]) / secs) });
  }
  const max = Math.max(1, ...rates.map(r => r.v));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', w); svg.setAttribute('height', h);
  svg.setAttribute('data-series', key);
  const axis = document.createElementNS(SVG, 'line');
  axis.setAttribute('x1', 0); axis.setAttribute('y1', h - 1); axis.setAttribute('x2', w); axis.setAttribute('y2', h - 1);
  axis.setAttribute('stroke', '#d0d5dd');
  svg.appendChild(axis);
  if (rates.length > 0) {
    const hour = 3600 * 1000, end = samples[samples.length - 1].at;
    const pts = rates.map(r => {
      const x = w - ((end - r.at) / hour) * w;
      const y = h - 2 - (r.v / max) * (h - 6);
      return x.toFixed(1) + ',' + y.toFixed(1);
    });
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', pts.join(' '));
    line.setAttribute('fill', 'none'); line.setAttribute('stroke', '#1849a9'); line.setAttribute('stroke-width', '1.5');
    svg.appendChild(line);
  }
  const last = rates.length ? rates[rates.length - 1].v : 0;
  return el('div', { class: 'chart' },
    el('div', {}, title + ': ', el('b', {}, fmt(Math.round(last)) + '/s'), el('span', { class: 'muted' }, '  (last hour, peak ' + fmt(Math.round(max)) + '/s)')),
    svg);
}

async function overview() {
  const { status, body } = await api('api/overview');
  if (status !== 200) { return showError('page-overview', body); }
  const now = body.now;
  const totals = clear(document.getElementById('totals'));
  const cards = [['eventsIn', 'Events in'], ['rejected', 'Rejected'], ['duplicates', 'Duplicates'],
    ['changes', 'Indicator changes'], ['routed', 'Routed to partners'], ['delivered', 'Delivered']];
  for (const [k, label] of cards) {
    if (now[k] === undefined) continue;
    totals.appendChild(el('div', { class: 'card' }, el('div', { class: 'muted' }, label),
      el('div', { class: 'n', 'data-total': k }, fmt(now[k]))));
  }
  if (body.hubLag !== undefined) {
    totals.appendChild(el('div', { class: 'card' }, el('div', { class: 'muted' }, 'Waiting for the hub'),
      el('div', { class: 'n', 'data-total': 'hubLag' }, fmt(body.hubLag))));
  }
  const charts = clear(document.getElementById('charts'));
  for (const [k, label] of [['eventsIn', 'Events in'], ['changes', 'Indicator changes'], ['delivered', 'Delivered']]) {
    if (now[k] !== undefined) charts.appendChild(chart(label, body.series, k, body.intervalSeconds));
  }
  const rejected = body.rejectedByReason || {};
  table(document.getElementById('rejected'), ['Reason', 'Events'],
    Object.entries(rejected).map(([r, n]) => [el('a', { href: '#dead-letters/' + encodeURIComponent(r) }, r), n]));
  const routed = body.routedByPartner || {}, withheld = body.withheldByPartner || {};
  const partners = [...new Set([...Object.keys(routed), ...Object.keys(withheld)])].sort();
  table(document.getElementById('per-partner'), ['Partner', 'Routed', 'New indicators withheld, by reason'],
    partners.map(p => [p, routed[p] || 0,
      Object.entries(withheld[p] || {}).map(([r, n]) => r + ' ' + fmt(n)).join(', ') || '–']));
  table(document.getElementById('channels'), ['Partner', 'Channel', 'Delivered', 'Dead-lettered', 'Retries', 'Lag', 'State'],
    (body.channels || []).map(c => [c.partner, c.channel, c.delivered, c.deadLettered, c.retries, c.lag,
      el('span', { class: c.failing ? 'bad' : 'ok' }, c.failing ? 'failing since ' + new Date(c.failingSince).toISOString() : 'ok')]));
  stamp();
}

// ---------- partners ----------

async function partners() {
  const { status, body } = await api('api/partners');
  const root = clear(document.getElementById('partners'));
  if (status !== 200) { return showError('page-partners', body); }
  for (const p of body) {
    const t = p.terms;
    const box = el('div', { class: 'partner', 'data-partner': p.partnerId },
      el('h3', {}, (p.partnerName || p.partnerId) + ' (' + p.partnerId + ')'),
      el('div', {}, el('span', { class: p.inForce ? 'ok' : 'warn' }, p.inForce ? 'agreement in force' : 'no agreement in force'),
        t ? ' — ' + t.agreementId + ' v' + t.version : ''));
    if (t) {
      const scope = t.scope || {};
      const any = l => (l && l.length ? l.join(', ') : 'any');
      box.appendChild(el('dl', { class: 'terms' },
        el('dt', {}, 'TLP ceiling'), el('dd', { 'data-term': 'tlpCeiling' }, t.tlpCeiling),
        el('dt', {}, 'Data kinds'), el('dd', {}, t.dataKinds.join(', ')),
        el('dt', {}, 'Indicator types'), el('dd', {}, any(scope.indicatorTypes)),
        el('dt', {}, 'Malware families'), el('dd', {}, any(scope.malwareFamilies)),
        el('dt', {}, 'Campaigns'), el('dd', {}, any(scope.campaigns)),
        el('dt', {}, 'Countries'), el('dd', {}, any(scope.countries)),
        el('dt', {}, 'Minimum confidence'), el('dd', {}, fmt(scope.minimumConfidence)),
        el('dt', {}, 'Redaction'), el('dd', {}, Object.entries(t.redaction).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none'),
        el('dt', {}, 'Embargo'), el('dd', {}, t.embargo),
        el('dt', {}, 'Period'), el('dd', {}, t.validFrom + ' to ' + (t.validUntil || 'open')),
        el('dt', {}, 'Channels'), el('dd', {}, t.channels.map(c => c.channel).join(', '))));
    }
    box.appendChild(el('h4', {}, 'Versions'));
    box.appendChild(table(el('table', {}), ['When', 'Event', 'Agreement', 'By'],
      p.versions.map(v => [v.at, v.event, v.agreementId ? v.agreementId + ' v' + v.version : '–', v.operator])));
    box.appendChild(el('h4', {}, 'Channels now'));
    box.appendChild(table(el('table', {}), ['Channel', 'Delivered', 'Lag', 'State'],
      (p.channelState || []).map(c => [c.channel, c.delivered, c.lag,
        el('span', { class: c.failing ? 'bad' : 'ok' }, c.failing ? 'failing' : 'ok')])));
    const c = p.chain, r = p.lastReceipt;
    box.appendChild(el('h4', {}, 'Receipts'));
    box.appendChild(el('div', { 'data-chain': c.intact ? 'intact' : 'broken' },
      el('span', { class: c.intact ? 'ok' : 'bad' }, c.intact ? 'chain verifies' : 'chain BROKEN'),
      ' — ' + fmt(c.receipts) + ' receipt(s)', c.breaks.length ? ': ' + c.breaks.join('; ') : '',
      r ? el('div', {}, 'last: #' + r.sequence + ' at ' + r.deliveredAt + ' via ' + r.channel + ' (' + r.target + '), ' +
        fmt(r.records) + ' record(s) under ' + r.agreementId + ' v' + r.agreementVersion) : el('div', {}, 'no receipt yet')));
    root.appendChild(box);
  }
  stamp();
}

// ---------- lookup ----------

async function lookup(value) {
  const out = clear(document.getElementById('lookup-result'));
  if (!value) return;
  document.getElementById('lookup-value').value = value;
  out.appendChild(el('p', { class: 'muted' }, 'Looking up …'));
  const { status, body } = await api('api/indicator?value=' + encodeURIComponent(value));
  clear(out);
  if (status === 404) {
    out.appendChild(el('p', { id: 'lookup-unknown' }, 'Unknown: the hub has emitted no indicator for ', el('code', {}, value),
      ' (never sighted, suppressed as benign, or gone since).'));
    return;
  }
  if (status !== 200) { out.appendChild(el('p', { class: 'error', id: 'lookup-error' }, body.error || ('HTTP ' + status))); return; }
  out.appendChild(el('h2', { id: 'lookup-id' }, body.id));
  out.appendChild(el('dl', {},
    el('dt', {}, 'Type, value'), el('dd', {}, body.type + ' ', el('code', {}, body.value)),
    el('dt', {}, 'State'), el('dd', { 'data-field': 'action' }, body.action),
    el('dt', {}, 'TLP'), el('dd', { 'data-field': 'tlp' }, 'TLP:' + body.tlp),
    el('dt', {}, 'Confidence, score'), el('dd', {}, fmt(body.confidence) + ', ' + fmt(body.score)),
    el('dt', {}, 'Seen'), el('dd', {}, 'first ' + body.firstSeen + ', last ' + body.lastSeen + ', ' + fmt(body.sightings) + ' sighting(s)'),
    el('dt', {}, 'Expires'), el('dd', {}, body.expiresAt),
    el('dt', {}, 'Vendors'), el('dd', {}, body.vendors.join(', ') || '–'),
    el('dt', {}, 'Families'), el('dd', {}, body.malwareFamilies.join(', ') || '–'),
    el('dt', {}, 'Campaigns'), el('dd', {}, body.campaigns.join(', ') || '–'),
    el('dt', {}, 'Enrichment'), el('dd', {}, (body.country || '–') + (body.asn ? ', AS' + body.asn + ' ' + (body.asOrganization || '') : '')),
    el('dt', {}, 'Lifecycle'), el('dd', {}, body.changes.map(c => c.action + ' ' + c.at).join(' → '))));
  if (body.hub) {
    const h = body.hub, st = h.state;
    out.appendChild(el('h2', {}, 'In the hub now'));
    out.appendChild(st
      ? el('dl', { id: 'lookup-hub' },
        el('dt', {}, 'Sightings'), el('dd', { 'data-field': 'hubSightings' }, fmt(st.sightings) + ', last ' + st.lastSeen),
        el('dt', {}, 'Held by'), el('dd', { 'data-field': 'heldBy' }, st.heldBy.join(', ') || 'no partner'),
        el('dt', {}, 'Answered by'), el('dd', { 'data-field': 'answeredBy' }, h.answeredBy))
      : el('p', { id: 'lookup-hub', class: 'muted' }, 'The hub ' + (h.status === 'unknown' ? 'no longer holds it (expired or revoked and gone)'
        : 'cannot say now: ' + (h.why || h.status)) + ' (' + (h.answeredBy || '') + ')'));
  }
  out.appendChild(el('h2', {}, 'Partners'));
  out.appendChild(table(el('table', { id: 'lookup-partners' }), ['Partner', 'Now', 'Why', 'Versions received', 'Receipts'],
    body.partners.map(p => [
      el('span', { 'data-partner': p.partnerId }, p.partnerId),
      el('span', { class: p.decision === 'granted' ? 'ok' : p.decision === 'embargoed' ? 'warn' : 'bad', 'data-decision': p.decision }, p.decision),
      p.explanation,
      (p.versions || []).length ? el('div', { 'data-versions': p.partnerId },
        p.versions.map(v => el('div', {}, v.action + ' TLP:' + v.tlp + ' at ' + v.at + ' (agreement v' + v.agreementVersion + ')'))) : '–',
      p.received.length ? el('ul', {}, p.received.map(r => el('li', {},
        r.deliveredAt + ' via ' + r.channel + ' (' + r.target + ') under ' + r.agreementId + ' v' + r.agreementVersion + ', receipt #' + r.sequence)))
        : 'nothing receipted'])));
  stamp();
}

// ---------- dead letters ----------

async function deadLetters(reason) {
  const select = document.getElementById('dead-letter-reason');
  const ov = await api('api/overview');
  const known = Object.keys((ov.body && ov.body.rejectedByReason) || {});
  const current = new Set([...select.options].map(o => o.value));
  for (const r of known) if (!current.has(r)) select.appendChild(el('option', { value: r }, r));
  if (reason && !current.has(reason) && !known.includes(reason)) select.appendChild(el('option', { value: reason }, reason));
  select.value = reason || '';
  const out = clear(document.getElementById('dead-letters'));
  const { status, body } = await api('api/dead-letters?limit=100' + (reason ? '&reason=' + encodeURIComponent(reason) : ''));
  if (status !== 200) { out.appendChild(el('p', { class: 'error' }, body.error || ('HTTP ' + status))); return; }
  out.appendChild(el('p', { class: 'muted' }, fmt(body.length) + ' most recent' + (reason ? ' with reason ' + reason : '')));
  out.appendChild(table(el('table', { id: 'dead-letter-table' }), ['Failed at', 'Reason', 'Source', 'Original'],
    body.map(d => [d.failedAt,
      el('div', {}, el('b', {}, d.reasonCode), el('div', {}, d.reason), el('div', { class: 'muted' }, d.stage || '')),
      (d.sourceTopic || '?') + '-' + d.sourcePartition + '@' + d.sourceOffset,
      el('div', {}, el('div', { class: 'muted' }, fmt(d.originalSize) + ' bytes'),
        d.originalSha256 ? el('div', { class: 'muted hash' }, 'sha256 ' + d.originalSha256) : null,
        el('pre', {}, d.originalPreview || ''),
        d.originalBase64 ? el('details', {}, el('summary', {}, 'base64'), el('pre', {}, d.originalBase64)) : null)])));
  stamp();
}

// ---------- routing ----------

// ---------- partners' reports ----------

async function reports() {
  const { status, body } = await api('api/reports');
  const fps = clear(document.getElementById('false-positives'));
  const received = clear(document.getElementById('reports-received'));
  if (status !== 200) { return showError('page-reports', body); }
  fps.appendChild(table(el('table', { id: 'false-positive-table' }), ['Status', 'Indicator', 'Reported by', 'At', 'Why', 'Decision', ''],
    body.falsePositives.map(f => [
      el('span', { class: f.status === 'OPEN' ? 'warn' : (f.status === 'ACCEPTED' ? 'bad' : 'ok') }, f.status),
      el('a', { href: '#lookup/' + encodeURIComponent(f.indicatorId.substring(f.indicatorId.indexOf(':') + 1)) }, f.indicatorId),
      f.partnerId, f.reportedAt, f.comment || '–',
      f.decidedBy ? f.decidedBy + ' at ' + f.decidedAt + (f.decisionReason ? ' (' + f.decisionReason + ')' : '') : '–',
      f.status === 'OPEN'
        ? el('span', {}, decisionButton(f, 'accept', 'Accept'), ' ', decisionButton(f, 'reject', 'Reject'))
        : ''])));
  received.appendChild(table(el('table', { id: 'received-table' }), ['When', 'Partner', 'Receipt', 'Records', 'Agreement'],
    body.received.map(r => [r.receivedAt, r.partnerId, '#' + r.sequence + ' (' + r.target + ')', r.records.join(', '), r.agreement || '–'])));
  stamp();
}

function decisionButton(report, decision, label) {
  const b = el('button', { type: 'button', 'data-decide': decision }, label);
  b.addEventListener('click', () => decide(report, decision));
  return b;
}

async function decide(report, decision) {
  const out = document.getElementById('decision-result');
  const value = report.indicatorId.substring(report.indicatorId.indexOf(':') + 1);
  const r = await fetch('api/false-positives/decide', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Threatline-Console': 'decide',
      Authorization: 'Basic ' + btoa('operator:' + document.getElementById('decision-password').value),
    },
    body: JSON.stringify({
      value, partner: report.partnerId, decision,
      operator: document.getElementById('decision-operator').value,
      reason: document.getElementById('decision-reason').value,
    }),
  });
  const raw = await r.text();
  let text = raw;
  try {
    const b = JSON.parse(raw);
    text = b.error || (decision + 'ed ' + b.decided + ' report(s) of ' + b.indicatorId + ' by ' + b.partnerId);
  } catch (e) { /* a plain-text refusal */ }
  out.textContent = (r.ok ? '' : 'refused (' + r.status + '): ') + text;
  if (r.ok) reports();
}

function showError(page, body) {
  const p = document.getElementById(page);
  p.insertBefore(el('p', { class: 'error' }, (body && body.error) || 'failed'), p.firstChild);
}

function stamp() { document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString(); }

function route() {
  const hash = location.hash.replace(/^#/, '') || 'overview';
  const [page, ...rest] = hash.split('/');
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : '';
  const name = ['overview', 'partners', 'lookup', 'dead-letters', 'reports'].includes(page) ? page : 'overview';
  for (const s of document.querySelectorAll('.page')) s.hidden = s.id !== 'page-' + name;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.id === 'nav-' + name);
  if (timer) { clearInterval(timer); timer = null; }
  if (name === 'overview') { overview(); timer = setInterval(overview, REFRESH_MS); }
  if (name === 'partners') partners();
  if (name === 'lookup') lookup(arg);
  if (name === 'dead-letters') deadLetters(arg);
  if (name === 'reports') reports();
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('lookup-form').addEventListener('submit', e => {
    e.preventDefault();
    location.hash = 'lookup/' + encodeURIComponent(document.getElementById('lookup-value').value.trim());
  });
  document.getElementById('dead-letter-form').addEventListener('submit', e => {
    e.preventDefault();
    location.hash = 'dead-letters/' + encodeURIComponent(document.getElementById('dead-letter-reason').value);
  });
  window.addEventListener('hashchange', route);
  route();
});
