// The instructor's dashboard: renders the room the class server computes (see
// src/class/room-view.ts) from its server-sent events. Plain DOM, no build step, nothing
// loaded from elsewhere; attendee names and texts only ever go through textContent.
'use strict';

const key = new URLSearchParams(location.search).get('key') ?? '';
let view = null;
let receivedAt = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'className') node.className = v;
    else node.setAttribute(k, String(v));
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

function percent(rate) {
  return rate === null ? '–' : `${Math.round(rate * 100)}%`;
}

/** Times on step grow between updates: add the time since the view arrived. */
function live(ms) {
  return ms + (Date.now() - receivedAt);
}

function renderCounts(v) {
  for (const [k, n] of Object.entries(v.counts)) {
    const node = document.querySelector(`[data-count="${k}"]`);
    if (node) node.textContent = String(n);
  }
  const slide = document.getElementById('slide');
  slide.hidden = v.slide === null;
  if (v.slide !== null)
    slide.textContent = `presenter: ${v.slide.lesson} step ${v.slide.step} · ${v.counts.following} following`;
  document.getElementById('stuck-rule').textContent =
    `(stuck: no check started to pass for ${v.stuckMinutes} min)`;
}

function renderFailing(v) {
  const box = document.getElementById('failing');
  const f = v.mostFailed;
  box.hidden = f === null;
  if (f === null) return;
  box.querySelector('[data-failed="check"]').textContent = f.check;
  box.querySelector('[data-failed="where"]').textContent =
    `lesson ${f.lesson}, step ${f.step} ${f.stepTitle}`;
  box.querySelector('[data-failed="explain"]').textContent = f.explain;
  box.querySelector('[data-failed="tally"]').textContent =
    `${f.count} of the ${f.of} on that step fail it`;
}

function renderLessons(v) {
  const root = document.getElementById('lessons');
  root.replaceChildren(
    ...v.lessons.map((l) => {
      const rows = l.steps.map((s) =>
        el(
          'tr',
          { 'data-step': `${l.id}/${s.number}` },
          el('td', { className: 'num' }, s.number),
          el('td', {}, s.title, s.checkpoint ? '' : el('small', {}, ' (no checkpoint)')),
          el('td', { className: 'num', 'data-field': 'here' }, s.here),
          el('td', { className: 'num', 'data-field': 'reached' }, s.reached),
          el('td', { className: 'num', 'data-field': 'passed' }, s.passed),
          el(
            'td',
            { className: 'rate', 'data-field': 'rate' },
            // A progress element, not a styled width: the page's CSP allows no inline style.
            el('progress', { max: 100, value: Math.round((s.passRate ?? 0) * 100) }),
            el('span', { className: 'label' }, percent(s.passRate)),
          ),
          el('td', { className: 'num', 'data-field': 'median' }, duration(s.medianMs)),
          el('td', { className: 'num', 'data-field': 'hints' }, s.hints),
          el('td', { className: 'num', 'data-field': 'solutions' }, s.solutions),
        ),
      );
      return el(
        'div',
        { className: 'lesson', 'data-lesson': l.id },
        el('h2', {}, `${l.title} `, el('small', {}, `${l.id} · ${l.attendees} here`)),
        el(
          'table',
          { className: 'steps' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...[
                '#',
                'step',
                'here',
                'reached',
                'passed',
                'pass rate',
                'median time',
                'hints',
                'solutions',
              ].map((h) => el('th', {}, h)),
            ),
          ),
          el('tbody', {}, ...rows),
        ),
      );
    }),
  );
}

function renderAttendees(v) {
  const body = document.querySelector('#attendees tbody');
  document.getElementById('empty').hidden = v.attendees.length > 0;
  body.replaceChildren(
    ...v.attendees.map((a) => {
      const failing = a.failing.map((c) =>
        el('div', { title: c.explain }, el('code', {}, c.name), ` ${c.explain}`),
      );
      const status =
        a.status === 'online' ? '' : el('span', { className: `badge ${a.status}` }, a.status);
      return el(
        'tr',
        {
          'data-attendee': a.n,
          className: [a.status, a.stuck ? 'is-stuck' : '', a.stepPassed ? 'is-passed' : ''].join(
            ' ',
          ),
        },
        el(
          'td',
          {},
          el('span', { 'data-field': 'name' }, a.name),
          status,
          a.stuck ? el('span', { className: 'badge stuck' }, 'stuck') : '',
        ),
        el('td', { 'data-field': 'lesson' }, a.lesson ?? '–'),
        el(
          'td',
          { 'data-field': 'step', 'data-step': a.step ?? '' },
          a.step === null ? '–' : `${a.step}/${a.steps} ${a.stepTitle ?? ''}`,
          a.stepPassed ? el('span', { className: 'ok' }, ' ✓') : '',
        ),
        el(
          'td',
          { className: 'num', 'data-field': 'onstep', 'data-ms': a.onStepMs },
          a.step === null ? '–' : duration(a.onStepMs),
        ),
        el('td', { className: 'num', 'data-field': 'done' }, `${a.passed}/${a.steps}`),
        el('td', { 'data-field': 'failing', className: 'failing-checks' }, ...failing),
        el('td', { className: 'num', 'data-field': 'hints' }, a.hints),
        el('td', { className: 'num', 'data-field': 'solutions' }, a.solutions),
      );
    }),
  );
}

function render() {
  if (view === null) return;
  renderCounts(view);
  renderFailing(view);
  renderLessons(view);
  renderAttendees(view);
  document.body.dataset.seq = String(Number(document.body.dataset.seq ?? 0) + 1);
}

/** Between updates, only the times on step move. */
function tick() {
  if (view === null) return;
  for (const cell of document.querySelectorAll('[data-field="onstep"][data-ms]')) {
    const row = view.attendees.find((a) => String(a.n) === cell.parentElement.dataset.attendee);
    if (row && row.step !== null && row.status !== 'left')
      cell.textContent = duration(live(row.onStepMs));
  }
}

function connect() {
  const link = document.getElementById('link');
  const source = new EventSource(`/events?key=${encodeURIComponent(key)}`);
  source.addEventListener('room', (e) => {
    view = JSON.parse(e.data);
    receivedAt = Date.now();
    link.dataset.state = 'live';
    link.textContent = 'live';
    render();
  });
  source.addEventListener('error', () => {
    link.dataset.state = 'lost';
    link.textContent = 'reconnecting…';
  });
}

connect();
setInterval(tick, 1000);
