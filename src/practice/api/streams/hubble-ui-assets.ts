// The practice Hubble UI's stylesheet and script, served by the daemon itself (nothing from the internet).
// Plain browser JavaScript: it polls /api/flows once a second while the page is open and draws the map as SVG.

export const HUBBLE_UI_CSS = String.raw`
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; background: #f4f6f8; }
header { display: flex; align-items: center; gap: 16px; padding: 10px 16px; background: #1b2a3a; color: #fff; flex-wrap: wrap; }
header h1 { font-size: 16px; margin: 0; }
header .sim { background: #f0b429; color: #1b2a3a; padding: 2px 8px; border-radius: 10px; font-weight: 600; font-size: 12px; }
header .pod { opacity: .75; font-size: 12px; }
#bar { display: flex; gap: 10px; align-items: center; padding: 8px 16px; background: #fff; border-bottom: 1px solid #d9e2ec; flex-wrap: wrap; }
#bar label { display: flex; gap: 4px; align-items: center; }
#bar select, #bar input { font: inherit; padding: 3px 6px; border: 1px solid #bcccdc; border-radius: 4px; }
#live { margin-left: auto; font-size: 12px; color: #52606d; }
#live.on::before { content: "\25CF "; color: #27ab83; }
#error { display: none; margin: 12px 16px; padding: 10px 14px; background: #ffe3e3; border: 1px solid #e12d39; color: #8a041a; border-radius: 4px; white-space: pre-wrap; }
#mapbox { margin: 12px 16px; background: #fff; border: 1px solid #d9e2ec; border-radius: 6px; overflow: auto; max-height: 60vh; min-height: 120px; }
#empty { padding: 16px; color: #52606d; }
svg text { font-family: inherit; }
.node rect { fill: #fff; stroke: #9fb3c8; stroke-width: 1.2; rx: 8; }
.node.dns rect { fill: #f0f4ff; }
.node.world rect, .node.fqdn rect { fill: #fffbea; stroke: #f0b429; }
.node .title { font-weight: 600; font-size: 14px; fill: #102a43; }
.node .sub { font-size: 11px; fill: #627d98; }
.edge path { fill: none; stroke-width: 2; }
.edge.forwarded path { stroke: #27ab83; }
.edge.dropped path { stroke: #e12d39; stroke-width: 2.6; }
.edge.mixed path { stroke: #f0b429; }
.edge text { font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.edge.forwarded text { fill: #147d64; }
.edge.dropped text { fill: #ab091e; font-weight: 600; }
.edge.mixed text { fill: #8d2b0b; }
#tablebox { margin: 0 16px 16px; background: #fff; border: 1px solid #d9e2ec; border-radius: 6px; overflow: auto; max-height: 40vh; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eef2f6; white-space: nowrap; }
td.l7 { max-width: 380px; overflow: hidden; text-overflow: ellipsis; }
th { position: sticky; top: 0; background: #f0f4f8; font-weight: 600; }
tr.flow { cursor: pointer; }
tr.flow:hover { background: #f0f4f8; }
tr.flow.selected { background: #dceefb; }
td.verdict.FORWARDED { color: #147d64; font-weight: 600; }
td.verdict.DROPPED { color: #cf1124; font-weight: 600; }
#details { display: none; position: fixed; right: 0; top: 0; bottom: 0; width: 420px; background: #fff; border-left: 1px solid #bcccdc; box-shadow: -4px 0 12px rgba(0,0,0,.1); padding: 12px 16px; overflow: auto; }
#details h2 { font-size: 15px; margin: 0 0 8px; }
#details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0 0 10px; }
#details dt { color: #627d98; }
#details dd { margin: 0; word-break: break-all; }
#details pre { font-size: 11px; background: #f0f4f8; padding: 8px; overflow: auto; }
#details button { float: right; }
`;

export const HUBBLE_UI_JS = String.raw`
(function () {
  'use strict';
  var state = { namespace: '', verdict: '', pod: '', label: '', fingerprint: '', selected: null, rows: [], timer: null, stopped: false };
  var $ = function (id) { return document.getElementById(id); };
  var SVG = 'http://www.w3.org/2000/svg';
  var NODE_W = 220, NODE_H = 76;

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function html(name, attrs, text) {
    var node = document.createElement(name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function query() {
    var params = new URLSearchParams();
    params.set('namespace', state.namespace);
    if (state.verdict) params.set('verdict', state.verdict);
    if (state.pod) params.set('pod', state.pod);
    if (state.label) params.set('label', state.label);
    return params.toString();
  }
  function saveLocation() {
    history.replaceState(null, '', '?' + query());
  }

  function fit(text, max) { return text.length > max ? text.slice(0, max - 1) + '…' : text; }

  function drawMap(map) {
    var box = $('mapbox');
    box.textContent = '';
    if (map.nodes.length === 0) {
      box.appendChild(html('div', { id: 'empty' }, 'No flows in namespace ' + map.namespace + ' yet. Send some traffic (kubectl exec … -- curl …); the map updates by itself.'));
      return;
    }
    var svg = el('svg', { id: 'map', width: map.width, height: map.height, viewBox: '0 0 ' + map.width + ' ' + map.height });
    var defs = el('defs', {});
    [['forwarded', '#27ab83'], ['dropped', '#e12d39'], ['mixed', '#f0b429']].forEach(function (pair) {
      var marker = el('marker', { id: 'arrow-' + pair[0], viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' });
      marker.appendChild(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: pair[1] }));
      defs.appendChild(marker);
    });
    svg.appendChild(defs);
    var byId = {};
    map.nodes.forEach(function (node) { byId[node.id] = node; });
    var perPair = {};
    map.edges.forEach(function (edge) {
      var s = byId[edge.source], t = byId[edge.target];
      if (!s || !t) return;
      var pairKey = edge.source + '>' + edge.target;
      var slot = perPair[pairKey] = (perPair[pairKey] || 0) + 1;
      var offset = (slot - 1) * 14;
      var g = el('g', { 'class': 'edge ' + edge.verdict, 'data-source': edge.source, 'data-target': edge.target, 'data-port': edge.port, 'data-verdict': edge.verdict, 'data-forwarded': edge.forwarded, 'data-dropped': edge.dropped });
      var d, lx, ly;
      if (edge.source === edge.target) {
        var cx = s.x + NODE_W, cy = s.y + 20 + offset;
        d = 'M ' + cx + ' ' + cy + ' c 50 -30 50 40 0 30';
        lx = cx + 44; ly = cy + 6;
      } else {
        var forward = t.x > s.x;
        var x1 = forward ? s.x + NODE_W : s.x + NODE_W / 2, y1 = forward ? s.y + NODE_H / 2 + offset : s.y + NODE_H;
        var x2 = forward ? t.x : t.x + NODE_W / 2, y2 = forward ? t.y + NODE_H / 2 + offset : t.y;
        if (!forward && t.y < s.y) { y1 = s.y; y2 = t.y + NODE_H; }
        var mx = (x1 + x2) / 2;
        d = forward ? 'M ' + x1 + ' ' + y1 + ' C ' + mx + ' ' + y1 + ', ' + mx + ' ' + y2 + ', ' + x2 + ' ' + y2 : 'M ' + x1 + ' ' + y1 + ' L ' + x2 + ' ' + y2;
        lx = forward ? x2 - 8 : x2 + 8; ly = y2 - 5;
      }
      g.appendChild(el('path', { d: d, 'marker-end': 'url(#arrow-' + edge.verdict + ')' }));
      var counts = [];
      if (edge.forwarded) counts.push(edge.forwarded + ' forwarded');
      if (edge.dropped) counts.push(edge.dropped + ' dropped');
      if (edge.other) counts.push(edge.other + ' other');
      var label = el('text', { x: lx, y: ly, 'text-anchor': edge.source === edge.target ? 'start' : 'end' }, edge.port + '/' + edge.protocol + ' · ' + counts.join(', '));
      g.appendChild(label);
      g.appendChild(el('title', {}, edge.source + ' → ' + edge.target + ' ' + edge.port + '/' + edge.protocol + ': ' + counts.join(', ')));
      svg.appendChild(g);
    });
    map.nodes.forEach(function (node) {
      var g = el('g', { 'class': 'node ' + node.kind, 'data-id': node.id, transform: 'translate(' + node.x + ',' + node.y + ')' });
      g.appendChild(el('rect', { width: NODE_W, height: NODE_H, rx: 8 }));
      g.appendChild(el('text', { 'class': 'title', x: 12, y: 24 }, fit(node.title, 24)));
      var sub = node.kind === 'fqdn' ? 'world (FQDN)' : node.namespace ? node.namespace + (node.pods.length ? ' · ' + node.pods.length + ' pod' + (node.pods.length > 1 ? 's' : '') : '') : node.kind;
      g.appendChild(el('text', { 'class': 'sub', x: 12, y: 44 }, sub));
      var pods = node.pods.length ? node.pods.slice(0, 2).map(function (p) { return (node.namespace ? node.namespace + '/' : '') + p; }).join(', ') + (node.pods.length > 2 ? ', …' : '') : node.labels.slice(0, 1).join('');
      g.appendChild(el('text', { 'class': 'sub', x: 12, y: 62 }, fit(pods, 34)));
      g.appendChild(el('title', {}, node.id + '\n' + node.labels.join('\n')));
      svg.appendChild(g);
    });
    box.appendChild(svg);
  }

  function drawTable(rows) {
    state.rows = rows;
    var body = $('flows');
    body.textContent = '';
    rows.forEach(function (row, index) {
      var tr = html('tr', { 'class': 'flow' + (state.selected === row.id ? ' selected' : ''), 'data-index': index, 'data-verdict': row.verdict });
      [row.source, row.destination, row.port === null ? '' : row.port + '/' + row.protocol, row.l7, row.verdict, row.timeText].forEach(function (text, column) {
        var cell = html('td', column === 4 ? { 'class': 'verdict ' + row.verdict } : column === 3 ? { 'class': 'l7', title: text } : {}, String(text));
        tr.appendChild(cell);
      });
      tr.addEventListener('click', function () { showDetails(row); });
      body.appendChild(tr);
    });
    $('count').textContent = rows.length + ' flows';
  }

  function showDetails(row) {
    state.selected = row.id;
    var panel = $('details');
    panel.style.display = 'block';
    var list = $('detail-fields');
    list.textContent = '';
    var flow = row.flow;
    var fields = [['Time', row.time], ['Verdict', row.verdict + (flow.drop_reason_desc ? ' (' + flow.drop_reason_desc + ')' : '')], ['Source', row.source], ['Source identity', String(flow.source.identity)],
      ['Source labels', (flow.source.labels || []).join(', ')], ['Destination', row.destination], ['Destination identity', String(flow.destination.identity)],
      ['Destination labels', (flow.destination.labels || []).join(', ')], ['Destination names', (flow.destination_names || []).join(', ')], ['Port', row.port === null ? '' : row.port + '/' + row.protocol],
      ['L7', row.l7], ['Direction', flow.traffic_direction || ''], ['Node', flow.node_name], ['Summary', flow.Summary]];
    fields.forEach(function (pair) {
      if (!pair[1]) return;
      list.appendChild(html('dt', {}, pair[0]));
      list.appendChild(html('dd', {}, pair[1]));
    });
    $('detail-json').textContent = JSON.stringify(flow, null, 2);
    Array.prototype.forEach.call(document.querySelectorAll('tr.flow'), function (tr) {
      tr.classList.toggle('selected', state.rows[Number(tr.getAttribute('data-index'))] && state.rows[Number(tr.getAttribute('data-index'))].id === row.id);
    });
  }

  function showError(text) {
    var box = $('error');
    box.style.display = text ? 'block' : 'none';
    box.textContent = text || '';
  }

  function poll() {
    if (state.stopped || !state.namespace) return;
    fetch('api/flows?' + query(), { cache: 'no-store' }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      $('live').className = result.ok ? 'on' : '';
      if (!result.ok) {
        showError(result.data.notification || result.data.error || 'error');
        $('live').textContent = 'reconnecting…';
        return;
      }
      showError('');
      $('live').textContent = 'live · updated ' + new Date().toLocaleTimeString();
      if (result.data.fingerprint === state.fingerprint) return;
      state.fingerprint = result.data.fingerprint;
      drawMap(result.data.map);
      drawTable(result.data.flows);
      document.body.setAttribute('data-fingerprint', state.fingerprint);
      if (!document.body.hasAttribute('data-drawn-at')) document.body.setAttribute('data-drawn-at', String(Math.round(performance.now())));
    }).catch(function (error) {
      $('live').className = '';
      $('live').textContent = 'no connection to the page (' + error.message + ')';
    }).then(function () {
      clearTimeout(state.timer);
      state.timer = setTimeout(poll, 1000);
    });
  }

  function refilter() {
    state.fingerprint = '';
    saveLocation();
    clearTimeout(state.timer);
    poll();
  }

  function loadNamespaces() {
    fetch('api/namespaces', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (data) {
      var select = $('namespace');
      select.textContent = '';
      select.appendChild(html('option', { value: '' }, 'Choose a namespace'));
      data.namespaces.forEach(function (name) { select.appendChild(html('option', { value: name }, name)); });
      if (state.namespace && data.namespaces.indexOf(state.namespace) === -1) select.appendChild(html('option', { value: state.namespace }, state.namespace));
      select.value = state.namespace;
    });
  }

  window.addEventListener('DOMContentLoaded', function () {
    var params = new URLSearchParams(location.search);
    state.namespace = params.get('namespace') || '';
    state.verdict = params.get('verdict') || '';
    state.pod = params.get('pod') || '';
    state.label = params.get('label') || '';
    $('verdict').value = state.verdict;
    $('pod').value = state.pod;
    $('label').value = state.label;
    loadNamespaces();
    $('namespace').addEventListener('change', function (event) { state.namespace = event.target.value; state.selected = null; refilter(); });
    $('verdict').addEventListener('change', function (event) { state.verdict = event.target.value; refilter(); });
    $('pod').addEventListener('change', function (event) { state.pod = event.target.value.trim(); refilter(); });
    $('label').addEventListener('change', function (event) { state.label = event.target.value.trim(); refilter(); });
    $('close').addEventListener('click', function () { $('details').style.display = 'none'; state.selected = null; });
    if (state.namespace) poll();
    else $('mapbox').appendChild(html('div', { id: 'empty' }, 'Choose a namespace to see its service map and flows.'));
  });
})();
`;
