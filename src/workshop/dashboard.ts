// The facilitator's dashboard: one self-contained page (HTML, CSS and script inline, nothing from the internet) that
// follows the room over server-sent events: every learner against every lesson's steps, done / solved / failing
// (with the reason), the current step and the time on it, hints, stuck learners first and highlighted.
import {msg, type MessageKey} from '../lab/i18n.js';
import type {Lang} from '../lab/types.js';

const LABEL_KEYS = {
	heading: 'workshop.dash.heading',
	learner: 'workshop.dash.learner',
	track: 'workshop.dash.track',
	doctor: 'workshop.dash.doctor',
	current: 'workshop.dash.current',
	time: 'workshop.dash.time',
	hints: 'workshop.dash.hints',
	progress: 'workshop.dash.progress',
	empty: 'workshop.dash.empty',
	live: 'workshop.dash.live',
	offline: 'workshop.dash.offline',
	stuckTime: 'workshop.dash.stuckTime',
	stuckFailures: 'workshop.dash.stuckFailures',
	done: 'workshop.dash.done',
	solved: 'workshop.dash.solved',
	failed: 'workshop.dash.failed',
	started: 'workshop.dash.started',
	summary: 'workshop.dash.summary',
} as const satisfies Record<string, MessageKey>;

export type DashboardLabels = Record<keyof typeof LABEL_KEYS, string>;

export function dashboardLabels(lang: Lang): DashboardLabels {
	return Object.fromEntries(Object.entries(LABEL_KEYS).map(([name, key]) => [name, msg(lang, key)])) as DashboardLabels;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
/** JSON inside a <script>: no "</script>" or "<!--" can close it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const CSS = `
:root { color-scheme: light dark; --ok: #1a7f37; --solved: #1f6feb; --fail: #cf222e; --started: #9a6700; --stuck: #ffebe9; --line: #d0d7de; }
body { font: 14px/1.4 system-ui, "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; margin: 16px; }
h1 { font-size: 18px; margin: 0 0 4px; }
#status { font-size: 12px; margin-bottom: 12px; }
#status.live::before { content: "● "; color: var(--ok); }
#status.offline::before { content: "● "; color: var(--fail); }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
th.lesson { text-align: center; }
th.step { font-weight: normal; font-size: 11px; text-align: center; min-width: 22px; }
td.cell { text-align: center; font-weight: bold; }
td.cell.done { color: #fff; background: var(--ok); }
td.cell.solved { color: #fff; background: var(--solved); }
td.cell.failed { color: #fff; background: var(--fail); }
td.cell.started { color: var(--started); }
tr.stuck td { background: var(--stuck); color: #000; }
tr.stuck td.cell.done, tr.stuck td.cell.solved, tr.stuck td.cell.failed { color: #fff; }
tr.stuck td.name { border-left: 4px solid var(--fail); }
.badge { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 8px; background: var(--fail); color: #fff; font-size: 11px; }
.reason { color: var(--fail); font-size: 12px; }
.doctor-0 { color: var(--ok); } .doctor-1 { color: var(--started); } .doctor-2 { color: var(--fail); }
.legend span { margin-right: 12px; }
`;

const SCRIPT = `
const L = JSON.parse(document.getElementById('labels').textContent);
const key = new URLSearchParams(location.search).get('key') || '';
const root = document.getElementById('room');
const status = document.getElementById('status');
const summary = document.getElementById('summary');
let room = null;
let receivedAt = 0;
const MARK = {done: '✔', solved: '◆', failed: '✘', started: '…'};
function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = String(text);
  return node;
}
function fill(template, params) { return template.replace(/\\{(\\w+)\\}/g, (m, name) => (name in params ? String(params[name]) : m)); }
function clock(ms) {
  const seconds = Math.floor(ms / 1000);
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(s).padStart(2, '0');
}
function render() {
  if (!room) return;
  const steps = room.outline.lessons.flatMap((lesson) => lesson.steps.map((step) => ({lesson, step})));
  const table = el('table', {id: 'grid'});
  const head1 = el('tr');
  for (const name of ['learner', 'track', 'doctor']) head1.append(el('th', {rowspan: '2'}, L[name]));
  for (const lesson of room.outline.lessons) head1.append(el('th', {class: 'lesson', colspan: String(lesson.steps.length), title: lesson.title}, lesson.id));
  for (const name of ['current', 'time', 'hints']) head1.append(el('th', {rowspan: '2'}, L[name]));
  const head2 = el('tr');
  for (const {lesson, step} of steps) head2.append(el('th', {class: 'step', title: lesson.id + '/' + step.id + ': ' + step.title}, String(lesson.steps.indexOf(step) + 1)));
  const thead = el('thead');
  thead.append(head1, head2);
  const tbody = el('tbody');
  const elapsed = Date.now() - receivedAt;
  for (const learner of room.learners) {
    const row = el('tr', {class: 'learner' + (learner.stuck ? ' stuck' : ''), 'data-learner': learner.name});
    const name = el('td', {class: 'name'}, learner.name);
    if (learner.stuck) name.append(el('span', {class: 'badge'}, learner.stuck.kind === 'time' ? fill(L.stuckTime, {minutes: learner.stuck.minutes}) : fill(L.stuckFailures, {count: learner.stuck.count})));
    row.append(name, el('td', {}, learner.track + ' · ' + learner.target));
    const doctor = learner.doctor || '';
    row.append(el('td', {class: 'doctor doctor-' + (doctor.split('-')[1] || '')}, doctor || '-'));
    for (const {lesson, step} of steps) {
      const cell = learner.cells[lesson.id + '/' + step.id];
      const td = el('td', {class: 'cell' + (cell ? ' ' + cell.status : ''), 'data-step': lesson.id + '/' + step.id}, cell ? MARK[cell.status] : '');
      if (cell) td.title = lesson.id + '/' + step.id + ': ' + L[cell.status] + (cell.reason ? ' — ' + cell.reason : '') + (cell.hints ? ' · ' + L.hints + ' ' + cell.hints : '');
      row.append(td);
    }
    const current = el('td', {class: 'current'});
    if (learner.current) {
      const key = learner.current.lesson + '/' + learner.current.step;
      current.append(el('div', {}, key));
      const cell = learner.cells[key];
      if (cell && cell.reason) current.append(el('div', {class: 'reason'}, '✘ ' + cell.reason));
    }
    row.append(current);
    row.append(el('td', {class: 'time'}, learner.timeOnStepMs === undefined || learner.timeOnStepMs === null ? '' : clock(learner.timeOnStepMs + elapsed)));
    row.append(el('td', {class: 'hints'}, learner.hints));
    tbody.append(row);
  }
  table.append(thead, tbody);
  root.replaceChildren(room.learners.length ? table : el('p', {class: 'empty'}, L.empty));
  const stuck = room.learners.filter((learner) => learner.stuck).length;
  summary.textContent = fill(L.summary, {learners: room.learners.length, stuck});
}
function connect() {
  const source = new EventSource('/api/stream?key=' + encodeURIComponent(key));
  source.addEventListener('room', (event) => {
    room = JSON.parse(event.data);
    receivedAt = Date.now();
    status.className = 'live';
    status.textContent = L.live;
    render();
  });
  source.onerror = () => { status.className = 'offline'; status.textContent = L.offline; };
}
setInterval(render, 1000);
connect();
`;

export function dashboardHtml(options: {nonce: string; lang: string; title: string; labels: DashboardLabels}): string {
	const {nonce, labels} = options;
	return `<!doctype html>
<html lang="${escapeHtml(options.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(labels.heading)} · ${escapeHtml(options.title)}</title>
<style nonce="${nonce}">${CSS}</style>
</head>
<body>
<h1>${escapeHtml(labels.heading)} · ${escapeHtml(options.title)}</h1>
<div id="status" class="offline">${escapeHtml(labels.offline)}</div>
<p id="summary"></p>
<p class="legend"><span>✔ ${escapeHtml(labels.done)}</span><span>◆ ${escapeHtml(labels.solved)}</span><span>✘ ${escapeHtml(labels.failed)}</span><span>… ${escapeHtml(labels.started)}</span></p>
<div id="room"><p class="empty">${escapeHtml(labels.empty)}</p></div>
<script type="application/json" id="labels">${scriptJson(labels)}</script>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
