// The practice Hubble UI's stylesheet and script, served by the daemon itself (nothing from the internet).
// Plain browser JavaScript: it polls /api/flows once a second while the page is open and draws the map as SVG.

/**
 * The notifications hubble-ui v0.13.1 shows in its status center (src/ui-layer/status-center.ts,
 * entryFromNotification) when its backend reports relay_reconnecting, then relay_connected again.
 */
export const RELAY_LOST = 'Connection to hubble-relay has been lost. Reconnecting...';
export const RELAY_CONNECTED = 'Connection to hubble-relay has been established.';

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
#notice { display: none; margin: 12px 16px; padding: 10px 14px; background: #e3f9e5; border: 1px solid #31b237; color: #0e5814; border-radius: 4px; }
#mapwrap { position: relative; margin: 12px 16px; }
#mapbox { background: #fff; border: 1px solid #d9e2ec; border-radius: 6px; overflow: auto; max-height: 60vh; min-height: 120px; }
#map { display: block; }
#map.small .edge-label { display: none; }
#zoom { display: none; position: absolute; top: 8px; right: 8px; gap: 2px; align-items: center; background: rgba(255,255,255,.92); border: 1px solid #d9e2ec; border-radius: 6px; padding: 2px; z-index: 1; }
#zoom button { font: inherit; font-size: 12px; min-width: 26px; border: 0; background: transparent; border-radius: 4px; cursor: pointer; padding: 2px 6px; color: #334e68; }
#zoom button:hover { background: #f0f4f8; }
#zoom-level { font-size: 11px; color: #627d98; min-width: 36px; text-align: center; }
#empty { padding: 16px; color: #52606d; }
svg text { font-family: inherit; }
.node rect { fill: #fff; stroke: #9fb3c8; stroke-width: 1.2; rx: 8; }
.node .stripe { fill: #9fb3c8; }
.node.dns rect { fill: #f0f4ff; }
.node.dns .stripe { fill: #4c63b6; }
.node.world .stripe, .node.fqdn .stripe { fill: #f0b429; }
.node.reserved .stripe { fill: #829ab1; }
.node.workload .stripe { fill: #2680c2; }
.node.world rect, .node.fqdn rect { fill: #fffbea; stroke: #f0b429; }
.node .title { font-weight: 600; font-size: 14px; fill: #102a43; }
.node .sub { font-size: 11px; fill: #627d98; }
.node { cursor: pointer; }
.node.focused rect { stroke: #2680c2; stroke-width: 2.5; }
.edge { cursor: pointer; }
.edge path { fill: none; }
.edge path.hit { stroke: transparent; stroke-width: 12; }
/* Colour, dash and width per arrow as hubble-ui v0.13.1 draws them (hubble-ui-map.ts arrowStyle): set inline. */
.edge path.line { stroke-width: var(--w); stroke-linecap: round; }
.edge:hover path.line, .edge.focused path.line { stroke-width: calc(var(--w) + 2px); }
.edge-label { font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; pointer-events: none; fill: #52606d; }
.edge-label.abnormal { fill: #C50000; font-weight: 600; }
#legend { font-size: 12px; color: #52606d; display: flex; gap: 10px; align-items: center; }
#legend svg { vertical-align: middle; }
#focus { display: none; align-items: center; gap: 6px; background: #dceefb; color: #0b4f8a; border-radius: 12px; padding: 2px 4px 2px 10px; font-size: 12px; }
#focus button { border: 0; background: transparent; cursor: pointer; color: #0b4f8a; font-size: 12px; }
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
td.verdict.REDIRECTED { color: #2680c2; }
td.verdict.AUDIT, td.verdict.ERROR { color: #b44d12; font-weight: 600; }
#details { display: none; z-index: 10; position: fixed; right: 0; top: 0; bottom: 0; width: 420px; background: #fff; border-left: 1px solid #bcccdc; box-shadow: -4px 0 12px rgba(0,0,0,.1); padding: 12px 16px; overflow: auto; }
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
  var state = { namespace: '', verdict: '', pod: '', label: '', fingerprint: '', selected: null, focus: null, map: null, nodeById: {}, edgeById: {}, zoom: null, shownZoom: 1, rows: [], allRows: [], timer: null, stopped: false };
  var $ = function (id) { return document.getElementById(id); };
  var SVG = 'http://www.w3.org/2000/svg';
  var NODE_W = 220, NODE_H = 76;

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

  // A smooth curve through every one of dagre's route points (Catmull-Rom as cubic Béziers): dagre routes arrows
  // between the boxes and past the labels it placed, and a curve that passes through its points keeps to that route
  // (a B-spline only approaches them, and strayed tens of pixels from a label at a sharp bend).
  function smooth(points) {
    var d = 'M ' + points[0].x + ' ' + points[0].y;
    if (points.length === 2) return d + ' L ' + points[1].x + ' ' + points[1].y;
    for (var i = 0; i < points.length - 1; i++) {
      var p0 = points[i > 0 ? i - 1 : i], p1 = points[i], p2 = points[i + 1], p3 = points[i + 2 < points.length ? i + 2 : i + 1];
      d += ' C ' + (p1.x + (p2.x - p0.x) / 6) + ' ' + (p1.y + (p2.y - p0.y) / 6) + ', ' + (p2.x - (p3.x - p1.x) / 6) + ' ' + (p2.y - (p3.y - p1.y) / 6) + ', ' + p2.x + ' ' + p2.y;
    }
    return d;
  }

  // A click on a box or an arrow keeps the table to its flows, as selecting a card does in Hubble UI.
  function setFocus(focus) {
    state.focus = state.focus && focus && state.focus.text === focus.text ? null : focus;
    var chip = $('focus');
    chip.style.display = state.focus ? 'inline-flex' : 'none';
    $('focus-text').textContent = state.focus ? state.focus.text : '';
    Array.prototype.forEach.call(document.querySelectorAll('#map g.node, #map g.edge'), function (g) {
      var id = g.getAttribute('data-id');
      g.classList.toggle('focused', !!state.focus && (state.focus.node === id || state.focus.edge === id));
    });
    drawTable(state.allRows);
  }
  function inFocus(row) {
    var focus = state.focus;
    if (!focus) return true;
    if (focus.node) return row.sourceNode === focus.node || row.destinationNode === focus.node;
    return row.sourceNode === focus.source && row.destinationNode === focus.target && row.port === focus.port;
  }

  function fit(text, max) { return text.length > max ? text.slice(0, max - 1) + '…' : text; }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
  }
  function attrs(map) {
    var out = '';
    for (var key in map) out += ' ' + key + '="' + esc(map[key]) + '"';
    return out;
  }

  // The map is one string of SVG markup (hundreds of boxes and arrows: one parse instead of thousands of DOM calls);
  // clicks on it are handled once, on the svg (onMapClick).
  function drawMap(map) {
    var box = $('mapbox');
    // A live redraw keeps where the learner had scrolled to.
    var scrollTop = box.scrollTop, scrollLeft = box.scrollLeft;
    state.map = map;
    state.nodeById = {};
    state.edgeById = {};
    $('zoom').style.display = map.nodes.length ? 'flex' : 'none';
    if (map.nodes.length === 0) {
      box.textContent = '';
      box.appendChild(html('div', { id: 'empty' }, 'No flows in namespace ' + map.namespace + ' yet. Send some traffic (kubectl exec … -- curl …); the map updates by itself.'));
      return;
    }
    var out = ['<svg id="map" xmlns="' + SVG + '" viewBox="0 0 ' + map.width + ' ' + map.height + '"><defs>'];
    [['normal', '#ACB1B8'], ['abnormal', '#C50000']].forEach(function (pair) {
      // In user space: one arrowhead size whatever the line's width (a dropped line is thicker, a hovered one more so).
      out.push('<marker id="arrow-' + pair[0] + '" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="13" markerHeight="13" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="' + pair[1] + '"/></marker>');
    });
    out.push('</defs><g class="edges">');
    var byId = state.nodeById;
    map.nodes.forEach(function (node) { byId[node.id] = node; });
    var perPair = {}, slots = {}, labels = [];
    map.edges.forEach(function (edge) { var key = edge.source + '>' + edge.target; perPair[key] = (perPair[key] || 0) + 1; });
    map.edges.forEach(function (edge) {
      var s = byId[edge.source], t = byId[edge.target];
      if (!s || !t) return;
      state.edgeById[edge.id] = edge;
      var pairKey = edge.source + '>' + edge.target;
      var slot = slots[pairKey] = (slots[pairKey] || 0) + 1;
      // The arrows of one pair of boxes (one per port) share one route, drawn side by side.
      var offset = (slot - 1 - (perPair[pairKey] - 1) / 2) * 14;
      var d, lx, ly, anchor = 'middle';
      if (edge.source === edge.target || edge.points.length < 2) {
        var cx = s.x + NODE_W, cy = s.y + 26 + offset;
        d = 'M ' + cx + ' ' + cy + ' c 46 -34 46 40 0 26';
        lx = cx + 40; ly = cy - 12; anchor = 'start';
      } else {
        var points = edge.points.map(function (p) { return { x: p.x, y: p.y + offset }; });
        d = smooth(points);
        if (edge.label) {
          // Where dagre placed it (above the pair's arrows, clear of boxes and other labels): its line's middle.
          lx = edge.label.x; ly = edge.label.y + 4;
        } else {
          var middle = points[Math.floor(points.length / 2)];
          if (points.length % 2 === 0) { var before = points[points.length / 2 - 1]; middle = { x: (before.x + middle.x) / 2, y: (before.y + middle.y) / 2 }; }
          lx = middle.x; ly = middle.y - 5;
        }
      }
      var counts = [];
      if (edge.forwarded) counts.push(edge.forwarded + ' forwarded');
      if (edge.dropped) counts.push(edge.dropped + ' dropped');
      if (edge.other) counts.push(edge.other + ' other');
      var focused = state.focus && state.focus.edge === edge.id ? ' focused' : '';
      var look = edge.style, kind = look.abnormal ? 'abnormal' : 'normal';
      out.push('<g' + attrs({ 'class': 'edge ' + kind + focused, 'data-id': edge.id, 'data-source': edge.source, 'data-target': edge.target, 'data-port': edge.port, 'data-verdicts': edge.verdicts.join(','), 'data-forwarded': edge.forwarded, 'data-dropped': edge.dropped }) + '>' +
        '<path class="hit" d="' + d + '"/><path' + attrs(look.dash ? { 'class': 'line', d: d, stroke: look.color, 'stroke-dasharray': look.dash, style: '--w:' + look.width + 'px', 'marker-end': 'url(#arrow-' + kind + ')' } : { 'class': 'line', d: d, stroke: look.color, style: '--w:' + look.width + 'px', 'marker-end': 'url(#arrow-' + kind + ')' }) + '/>' +
        '<title>' + esc(s.title + ' → ' + t.title + ' ' + edge.port + '/' + edge.protocol + ': ' + counts.join(', ') + '\n(click: its flows in the table)') + '</title></g>');
      // An arrow of a block of alike boxes goes unlabelled (hundreds would cover one another): its tooltip has the counts.
      if (!edge.grouped) labels.push('<text' + attrs({ x: lx, y: ly, 'text-anchor': anchor, 'class': 'edge-label ' + kind, 'data-id': edge.id }) + '>' + esc(edge.port + '/' + edge.protocol + ' · ' + counts.join(', ')) + '</text>');
    });
    out.push('</g>');
    map.nodes.forEach(function (node) {
      var focused = state.focus && state.focus.node === node.id ? ' focused' : '';
      var sub = node.kind === 'fqdn' ? 'world (FQDN)' : node.namespace ? node.namespace + (node.pods.length ? ' · ' + node.pods.length + ' pod' + (node.pods.length > 1 ? 's' : '') : '') : node.kind;
      var pods = node.pods.length ? node.pods.slice(0, 2).map(function (p) { return (node.namespace ? node.namespace + '/' : '') + p; }).join(', ') + (node.pods.length > 2 ? ', …' : '') : node.labels.slice(0, 1).join('');
      out.push('<g' + attrs({ 'class': 'node ' + node.kind + focused, 'data-id': node.id, transform: 'translate(' + node.x + ',' + node.y + ')' }) + '>' +
        '<rect width="' + NODE_W + '" height="' + NODE_H + '" rx="8"/>' +
        '<path class="stripe" d="M 8 0.6 H 4 A 3.4 3.4 0 0 0 0.6 4 V ' + (NODE_H - 4) + ' A 3.4 3.4 0 0 0 4 ' + (NODE_H - 0.6) + ' H 8 Z"/>' +
        '<text class="title" x="12" y="24">' + esc(fit(node.title, 24)) + '</text>' +
        '<text class="sub" x="12" y="44">' + esc(sub) + '</text>' +
        '<text class="sub" x="12" y="62">' + esc(fit(pods, 32)) + '</text>' +
        '<title>' + esc(node.id + '\n' + node.labels.join('\n') + '\n(click: its flows in the table)') + '</title></g>');
    });
    out.push('<g class="labels">' + labels.join('') + '</g></svg>');
    box.innerHTML = out.join('');
    applyZoom();
    box.scrollTop = scrollTop; box.scrollLeft = scrollLeft;
  }

  function onMapClick(event) {
    var target = event.target.closest && event.target.closest('g.edge, g.node');
    if (!target) return;
    var id = target.getAttribute('data-id');
    if (target.classList.contains('edge')) {
      var edge = state.edgeById[id];
      if (!edge) return;
      var s = state.nodeById[edge.source], t = state.nodeById[edge.target];
      setFocus({ edge: edge.id, source: edge.source, target: edge.target, port: edge.port, text: s.title + ' → ' + t.title + ' ' + edge.port + '/' + edge.protocol });
    } else {
      var node = state.nodeById[id];
      if (node) setFocus({ node: node.id, text: node.title + (node.namespace ? ' (' + node.namespace + ')' : '') });
    }
  }

  // The map at its own size when it fits; a large one (hundreds of workloads) starts zoomed out, down to
  // MIN_AUTO_ZOOM, and the buttons zoom it (Fit shows all of it). Below LABEL_ZOOM the arrows' texts are hidden
  // (too small to read); their tooltips stay.
  var MIN_AUTO_ZOOM = 0.35, LABEL_ZOOM = 0.6;
  function fitZoom() {
    var box = $('mapbox');
    return Math.min(1, (box.clientWidth - 4) / state.map.width, (window.innerHeight * 0.6 - 4) / state.map.height);
  }
  function applyZoom() {
    var svg = $('map');
    if (!svg || !state.map) return;
    var zoom = state.zoom === null ? Math.max(MIN_AUTO_ZOOM, fitZoom()) : state.zoom;
    svg.setAttribute('width', String(Math.round(state.map.width * zoom)));
    svg.setAttribute('height', String(Math.round(state.map.height * zoom)));
    svg.classList.toggle('small', zoom < LABEL_ZOOM);
    $('zoom-level').textContent = Math.round(zoom * 100) + '%';
    state.shownZoom = zoom;
  }
  function zoomBy(factor) {
    state.zoom = Math.min(2, Math.max(0.02, (state.shownZoom || 1) * factor));
    applyZoom();
  }

  function drawTable(allRows) {
    state.allRows = allRows;
    var rows = allRows.filter(inFocus);
    state.rows = rows;
    var out = [];
    rows.forEach(function (row, index) {
      out.push('<tr' + attrs({ 'class': 'flow' + (state.selected === row.id ? ' selected' : ''), 'data-index': index, 'data-verdict': row.verdict }) + '>' +
        '<td>' + esc(row.source) + '</td><td>' + esc(row.destination) + '</td><td>' + (row.port === null ? '' : row.port + '/' + esc(row.protocol)) + '</td>' +
        '<td class="l7" title="' + esc(row.l7) + '">' + esc(row.l7) + '</td><td class="verdict ' + esc(row.verdict) + '">' + esc(row.verdict) + '</td><td>' + esc(row.timeText) + '</td></tr>');
    });
    $('flows').innerHTML = out.join('');
    $('count').textContent = rows.length === allRows.length ? rows.length + ' flows (newest first)' : rows.length + ' of ' + allRows.length + ' flows (newest first)';
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
  // After the relay was lost, the real UI's success notification when it answers again, for a few seconds.
  var RELAY_CONNECTED = ${JSON.stringify(RELAY_CONNECTED)};
  function relayBack() {
    var box = $('notice');
    box.textContent = RELAY_CONNECTED;
    box.style.display = 'block';
    clearTimeout(state.noticeTimer);
    state.noticeTimer = setTimeout(function () { box.style.display = 'none'; }, 5000);
  }

  function poll() {
    if (state.stopped || !state.namespace) return;
    // With the fingerprint of what it shows, the page gets {unchanged: true} until new flows come (the usual poll).
    fetch('api/flows?' + query() + (state.fingerprint ? '&since=' + encodeURIComponent(state.fingerprint) : ''), { cache: 'no-store' }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      $('live').className = result.ok ? 'on' : '';
      if (!result.ok) {
        if (result.data.notification) state.relayLost = true;
        showError(result.data.notification || result.data.error || 'error');
        $('live').textContent = 'reconnecting…';
        return;
      }
      showError('');
      if (state.relayLost) { state.relayLost = false; relayBack(); }
      $('live').textContent = 'live · updated ' + new Date().toLocaleTimeString();
      if (result.data.unchanged || result.data.fingerprint === state.fingerprint) return;
      state.fingerprint = result.data.fingerprint;
      drawMap(result.data.map);
      drawTable(result.data.flows);
      document.body.setAttribute('data-fingerprint', state.fingerprint);
      // When the first map is on screen (after the frame that paints it), from the start of the navigation.
      if (!state.drawnMarked) {
        state.drawnMarked = true;
        requestAnimationFrame(function () { setTimeout(function () { document.body.setAttribute('data-drawn-at', String(Math.round(performance.now()))); }, 0); });
      }
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
    $('namespace').addEventListener('change', function (event) { state.namespace = event.target.value; state.selected = null; state.zoom = null; setFocus(null); refilter(); });
    $('verdict').addEventListener('change', function (event) { state.verdict = event.target.value; refilter(); });
    $('pod').addEventListener('change', function (event) { state.pod = event.target.value.trim(); refilter(); });
    $('label').addEventListener('change', function (event) { state.label = event.target.value.trim(); refilter(); });
    $('focus-clear').addEventListener('click', function () { setFocus(null); });
    $('mapbox').addEventListener('click', onMapClick);
    $('flows').addEventListener('click', function (event) {
      var tr = event.target.closest('tr.flow');
      if (tr) showDetails(state.rows[Number(tr.getAttribute('data-index'))]);
    });
    $('zoom-in').addEventListener('click', function () { zoomBy(1.25); });
    $('zoom-out').addEventListener('click', function () { zoomBy(0.8); });
    $('zoom-fit').addEventListener('click', function () { if (state.map) { state.zoom = fitZoom(); applyZoom(); } });
    $('zoom-reset').addEventListener('click', function () { state.zoom = 1; applyZoom(); });
    window.addEventListener('resize', function () { if (state.zoom === null) applyZoom(); });
    $('close').addEventListener('click', function () { $('details').style.display = 'none'; state.selected = null; });
    if (state.namespace) poll();
    else $('mapbox').appendChild(html('div', { id: 'empty' }, 'Choose a namespace to see its service map and flows.'));
  });
})();
`;
