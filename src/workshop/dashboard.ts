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
	exportCsv: 'workshop.dash.exportCsv',
	exportJson: 'workshop.dash.exportJson',
	pacing: 'workshop.dash.pacing',
	messagePlaceholder: 'workshop.dash.messagePlaceholder',
	sendMessage: 'workshop.dash.sendMessage',
	holdAt: 'workshop.dash.holdAt',
	hold: 'workshop.dash.hold',
	release: 'workshop.dash.release',
	held: 'workshop.dash.held',
	notHeld: 'workshop.dash.notHeld',
	lastMessage: 'workshop.dash.lastMessage',
	hintFor: 'workshop.dash.hintFor',
	hintPlaceholder: 'workshop.dash.hintPlaceholder',
	sendHint: 'workshop.dash.sendHint',
	sent: 'workshop.dash.sent',
	refused: 'workshop.dash.refused',
	listening: 'workshop.dash.listening',
	stuckRule: 'workshop.dash.stuckRule',
	doctorPaste: 'workshop.dash.doctorPaste',
	doctorPlaceholder: 'workshop.dash.doctorPlaceholder',
	doctorDecode: 'workshop.dash.doctorDecode',
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
table { border-collapse: separate; border-spacing: 0; }
/* A room of many learners and steps scrolls inside its box; the step headers and the names stay in view. */
#room { overflow: auto; max-width: 100%; max-height: 75vh; border: 1px solid var(--line); }
#grid thead { position: sticky; top: 0; z-index: 2; }
#grid th { background: Canvas; }
#grid td.name, #grid thead tr:first-child th:first-child { position: sticky; left: 0; z-index: 1; background: Canvas; }
#grid thead tr:first-child th:first-child { z-index: 3; }
#grid tr.stuck td.name { background: var(--stuck); }
td.name { white-space: nowrap; }
th, td { border-right: 1px solid var(--line); border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
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
#pacing { border: 1px solid var(--line); padding: 8px; margin-bottom: 12px; max-width: 900px; }
#pacing h2 { font-size: 14px; margin: 0 0 6px; }
#pacing form { display: flex; gap: 6px; margin: 4px 0; align-items: center; flex-wrap: wrap; }
#pacing input[type=text] { flex: 1; min-width: 240px; }
#pacing-state { font-size: 12px; }
#pacing-result, #doctor-result { font-size: 12px; min-height: 1em; }
td.doctor { font-size: 12px; min-width: 180px; max-width: 260px; }
td.track { white-space: nowrap; }
.exports a { margin-right: 12px; }
td.name .listening { color: var(--ok); font-size: 10px; margin-left: 4px; }
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
    if (room.pacing && room.pacing.listening.includes(learner.id)) name.append(el('span', {class: 'listening', title: L.listening.replace('{count}', '1')}, '●'));
    if (learner.stuck) name.append(el('span', {class: 'badge'}, learner.stuck.kind === 'time' ? fill(L.stuckTime, {minutes: learner.stuck.minutes}) : fill(L.stuckFailures, {count: learner.stuck.count})));
    row.append(name, el('td', {class: 'track'}, learner.track + ' · ' + learner.target));
    const doctor = learner.doctorResult;
    const doctorCell = el('td', {class: 'doctor' + (doctor && doctor.valid ? ' doctor-' + doctor.exitCode : '')});
    if (doctor) {
      doctorCell.title = doctor.code;
      for (const line of doctor.lines) doctorCell.append(el('div', {}, line));
    } else doctorCell.textContent = '-';
    row.append(doctorCell);
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
  summary.textContent = fill(L.summary, {learners: room.learners.length, stuck}) + (room.stuckRule ? ' · ' + fill(L.stuckRule, room.stuckRule) : '');
}
const ids = {};
function pacingState() {
  const state = document.getElementById('pacing-state');
  const p = room && room.pacing;
  if (!p) return;
  const lesson = p.hold ? room.outline.lessons.find((l) => l.id === p.hold) : null;
  state.textContent = (p.hold ? fill(L.held, {lesson: p.hold + (lesson ? ' (' + lesson.title + ')' : '')}) : L.notHeld) +
    (p.message ? ' · ' + fill(L.lastMessage, {text: p.message.text}) : '') + ' · ' + fill(L.listening, {count: p.listening.length});
  const holdSelect = document.getElementById('hold-lesson');
  if (!holdSelect.options.length) {
    for (const l of room.outline.lessons) holdSelect.append(el('option', {value: l.id}, l.id + ': ' + l.title));
    if (p.hold) holdSelect.value = p.hold;
  }
  const learnerSelect = document.getElementById('hint-learner');
  const chosen = learnerSelect.value;
  learnerSelect.replaceChildren(...room.learners.map((l) => el('option', {value: l.id}, l.name)));
  if (chosen) learnerSelect.value = chosen;
}
async function pace(command) {
  const result = document.getElementById('pacing-result');
  try {
    const response = await fetch('/api/pacing', {method: 'POST', headers: {'content-type': 'application/json', 'x-workshop-key': key}, body: JSON.stringify(command)});
    result.textContent = response.ok ? L.sent : fill(L.refused, {status: response.status});
    return response.ok;
  } catch (error) {
    result.textContent = fill(L.refused, {status: String(error)});
    return false;
  }
}
document.getElementById('message-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = document.getElementById('message-text');
  if (await pace({type: 'message', text: input.value})) input.value = '';
});
document.getElementById('hold-form').addEventListener('submit', (event) => {
  event.preventDefault();
  pace({type: 'hold', lesson: document.getElementById('hold-lesson').value});
});
document.getElementById('release').addEventListener('click', () => pace({type: 'hold', lesson: null}));
document.getElementById('hint-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = document.getElementById('hint-text');
  if (await pace({type: 'hint', learnerId: document.getElementById('hint-learner').value, text: input.value})) input.value = '';
});
document.getElementById('doctor-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = document.getElementById('doctor-result');
  const code = document.getElementById('doctor-code').value.trim();
  try {
    const response = await fetch('/api/doctor?key=' + encodeURIComponent(key) + '&code=' + encodeURIComponent(code));
    const answer = await response.json();
    out.className = response.ok ? 'doctor-' + answer.exitCode : 'doctor-2';
    out.replaceChildren(el('strong', {}, answer.code + ': '), ...answer.lines.map((line) => el('div', {}, line)));
  } catch (error) {
    out.className = 'doctor-2';
    out.textContent = fill(L.refused, {status: String(error)});
  }
});
document.getElementById('export-csv').href = '/api/export.csv?key=' + encodeURIComponent(key);
document.getElementById('export-json').href = '/api/export.json?key=' + encodeURIComponent(key);
function connect() {
  const source = new EventSource('/api/stream?key=' + encodeURIComponent(key));
  source.addEventListener('room', (event) => {
    room = JSON.parse(event.data);
    receivedAt = Date.now();
    status.className = 'live';
    status.textContent = L.live;
    render();
    pacingState();
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
<p class="exports"><a id="export-csv" download>${escapeHtml(labels.exportCsv)}</a><a id="export-json" download>${escapeHtml(labels.exportJson)}</a></p>
<section id="pacing">
<h2>${escapeHtml(labels.pacing)}</h2>
<div id="pacing-state"></div>
<form id="message-form"><input type="text" id="message-text" maxlength="280" required placeholder="${escapeHtml(labels.messagePlaceholder)}"><button type="submit" id="send-message">${escapeHtml(labels.sendMessage)}</button></form>
<form id="hold-form"><label for="hold-lesson">${escapeHtml(labels.holdAt)}</label> <select id="hold-lesson"></select><button type="submit" id="hold">${escapeHtml(labels.hold)}</button><button type="button" id="release">${escapeHtml(labels.release)}</button></form>
<form id="hint-form"><label for="hint-learner">${escapeHtml(labels.hintFor)}</label> <select id="hint-learner"></select><input type="text" id="hint-text" maxlength="280" required placeholder="${escapeHtml(labels.hintPlaceholder)}"><button type="submit" id="send-hint">${escapeHtml(labels.sendHint)}</button></form>
<div id="pacing-result" role="status"></div>
<form id="doctor-form"><label for="doctor-code">${escapeHtml(labels.doctorPaste)}</label> <input type="text" id="doctor-code" maxlength="40" required placeholder="${escapeHtml(labels.doctorPlaceholder)}"><button type="submit" id="doctor-decode">${escapeHtml(labels.doctorDecode)}</button></form>
<div id="doctor-result" role="status"></div>
</section>
<p class="legend"><span>✔ ${escapeHtml(labels.done)}</span><span>◆ ${escapeHtml(labels.solved)}</span><span>✘ ${escapeHtml(labels.failed)}</span><span>… ${escapeHtml(labels.started)}</span></p>
<div id="room"><p class="empty">${escapeHtml(labels.empty)}</p></div>
<script type="application/json" id="labels">${scriptJson(labels)}</script>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
