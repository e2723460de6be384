// The instructor's dashboard: renders the room the class server computes (see
// src/class/room-view.ts) from its server-sent events. Plain DOM, no build step, nothing
// loaded from elsewhere; attendee names and texts only ever go through textContent. Its
// words come from the server in the instructor's language (/words.json, see web-words.ts).
'use strict';

const key = new URLSearchParams(location.search).get('key') ?? '';
let view = null;
let receivedAt = 0;
let words = {};

/**
 * Message `id` with `values` put in place of `{name}`. One pass over the message: a value
 * (a step title an attendee sent) is never read for placeholders itself.
 */
function say(id, values = {}) {
  const text = words[id] ?? id;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}

/** The page's fixed words (elements marked data-word) and its language, for fonts. */
function applyWords(lang) {
  document.documentElement.lang = lang;
  document.title = say('class.web.title');
  for (const node of document.querySelectorAll('[data-word]'))
    node.textContent = say(node.dataset.word);
}

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
  if (s < 60) return say('class.duration.s', { s });
  const m = Math.floor(s / 60);
  const two = (n) => String(n).padStart(2, '0');
  if (m < 60) return say('class.duration.ms', { m, s: two(s % 60) });
  return say('class.duration.hm', { h: Math.floor(m / 60), m: two(m % 60) });
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
    slide.textContent = say('class.slide', {
      lesson: v.slide.lesson,
      step: v.slide.step,
      following: v.counts.following,
    });
  document.getElementById('stuck-rule').textContent = say('class.stuckRule', {
    minutes: v.stuckMinutes,
  });
}

function renderFailing(v) {
  const box = document.getElementById('failing');
  const f = v.mostFailed;
  box.hidden = f === null;
  if (f === null) return;
  box.querySelector('[data-failed="check"]').textContent = f.check;
  box.querySelector('[data-failed="where"]').textContent = say('class.where', {
    lesson: f.lesson,
    step: f.step,
    title: f.stepTitle,
  });
  box.querySelector('[data-failed="explain"]').textContent = f.explain;
  box.querySelector('[data-failed="tally"]').textContent = say('class.tally', {
    count: f.count,
    of: f.of,
  });
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
          el(
            'td',
            {},
            s.title,
            s.checkpoint ? '' : el('small', {}, ` ${say('class.web.noCheckpoint')}`),
          ),
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
        el(
          'h2',
          {},
          `${l.title} `,
          el('small', {}, say('class.lessonHere', { lesson: l.id, count: l.attendees })),
        ),
        el(
          'table',
          { className: 'steps' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', {}, '#'),
              ...[
                'step',
                'here',
                'reached',
                'passed',
                'passRate',
                'medianTime',
                'hints',
                'solutions',
              ].map((h) => el('th', {}, say(`class.col.${h}`))),
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
        a.status === 'online'
          ? ''
          : el('span', { className: `badge ${a.status}` }, say(`class.status.${a.status}`));
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
          a.stuck ? el('span', { className: 'badge stuck' }, say('class.status.stuck')) : '',
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
    link.textContent = say('class.live');
    render();
  });
  source.addEventListener('error', () => {
    link.dataset.state = 'lost';
    link.textContent = say('class.reconnecting');
  });
}

/** The words first (again a second later if the server did not answer), then the room. */
function start() {
  fetch('/words.json')
    .then((r) => r.json())
    .then((w) => {
      words = w.messages;
      applyWords(w.lang);
      connect();
      setInterval(tick, 1000);
    })
    .catch(() => setTimeout(start, 1000));
}

start();
