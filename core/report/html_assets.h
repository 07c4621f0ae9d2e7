// The fixed parts of the HTML page: style and the script that builds the tree from the page's
// JSON data. Everything is inline: the page loads nothing from anywhere.
#pragma once

namespace mx {

inline constexpr const char* kHtmlHead = R"HTML(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>modelexport: module tree</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 16px; margin: 0 0 4px; }
#summary { color: #555; margin-bottom: 8px; }
#search { width: 360px; padding: 4px 6px; font: inherit; }
#matches { margin-left: 8px; color: #555; }
#chart svg { border: 1px solid #ddd; margin: 8px 0; }
#chart text { font-size: 11px; pointer-events: none; }
#chart .cell:hover rect { stroke: #000; stroke-width: 1; }
#details { min-height: 1.4em; color: #333; font-family: monospace; white-space: pre; }
.row { display: flex; gap: 10px; padding: 1px 0; white-space: nowrap; }
.row:hover { background: #f3f6fa; }
.toggle { width: 14px; cursor: pointer; color: #666; user-select: none; }
.label { font-weight: 600; }
.class, .path { color: #777; }
.num { color: #333; min-width: 64px; text-align: right; font-variant-numeric: tabular-nums; }
.ops { color: #555; }
.hit > .row .label { background: #ffe58a; }
.children { margin-left: 18px; }
.collapsed > .children, .hidden { display: none; }
</style></head><body>
<h1 id="title"></h1>
<div id="summary"></div>
<input id="search" type="search" placeholder="search modules by tag, class or path" autocomplete="off"><span id="matches"></span>
)HTML";

inline constexpr const char* kHtmlTail = R"HTML(<div id="tree"></div>
<script>
'use strict';
const data = JSON.parse(document.getElementById('data').textContent);
const mods = data.modules, timed = !!data.profile;
const kids = mods.map(() => []);
mods.forEach((m) => { if (m.parent >= 0) kids[m.parent].push(m.id); });
const fmtBytes = (b) => b >= 1048576 ? (b / 1048576).toFixed(1) + ' MiB' : b >= 1024 ? (b / 1024).toFixed(1) + ' KiB' : b + ' B';
const fmtMs = (us) => (us / 1000).toFixed(3) + ' ms';
const share = (us) => timed && data.profile.node_us > 0 ? (100 * us / data.profile.node_us).toFixed(1) + '%' : '';
// A ModuleList/ModuleDict shares its parent's tag: shown by its class, as `tags tree` does.
const label = (m) => m.parent < 0 ? m.tag : m.tag === mods[m.parent].tag ? '[' + m.class + ']' : m.tag.slice(m.tag.lastIndexOf('/') + 1);
function topOps(m) {
  const src = timed ? m.op_us : m.ops;
  return Object.entries(src).sort((a, b) => b[1] - a[1]).slice(0, 4)
    .map(([k, v]) => timed ? k + ' ' + (m.total_us > 0 ? (100 * v / m.total_us).toFixed(1) : '0.0') + '%' : k + ' ' + v).join(', ');
}
function span(cls, text) { const s = document.createElement('span'); s.className = cls; s.textContent = text; return s; }
const boxes = [];
function build(id) {
  const m = mods[id], box = document.createElement('div');
  box.className = 'module' + (id === 0 ? '' : ' collapsed');
  box.dataset.id = id;
  const row = document.createElement('div');
  row.className = 'row';
  const toggle = span('toggle', kids[id].length ? (id === 0 ? '\u25be' : '\u25b8') : '');
  toggle.onclick = () => setOpen(id, box.classList.contains('collapsed'));
  row.append(toggle, span('label', label(m)), span('class', m.class), span('path', m.path || '<root>'),
    span('num nodes', m.total + ' nodes'), span('num params', fmtBytes(m.params)));
  if (timed) row.append(span('num time', fmtMs(m.total_us)), span('num share', share(m.total_us)));
  row.append(span('ops', topOps(m)));
  row.title = m.tag + '\n' + m.direct + ' direct nodes, ' + m.total + ' with descendants';
  box.append(row);
  const children = document.createElement('div');
  children.className = 'children';
  kids[id].forEach((c) => children.append(build(c)));
  box.append(children);
  boxes[id] = box;
  return box;
}
function setOpen(id, open) {
  const box = boxes[id];
  box.classList.toggle('collapsed', !open);
  const t = box.querySelector(':scope > .row > .toggle');
  if (kids[id].length) t.textContent = open ? '\u25be' : '\u25b8';
}
function reveal(id) { for (let a = mods[id].parent; a >= 0; a = mods[a].parent) setOpen(a, true); }
// `q` occurs reaching into the last part of `name`: a module's own part of its tag or path,
// so that searching a block's name does not list all of its descendants too.
function ownPartHas(name, q, sep) {
  const at = name.toLowerCase().lastIndexOf(q);
  return at >= 0 && at + q.length > name.lastIndexOf(sep);
}
function search(q) {
  q = q.trim().toLowerCase();
  const hits = new Set(), keep = new Set();
  if (q) mods.forEach((m) => {
    if (m.class.toLowerCase().includes(q) || ownPartHas(m.tag, q, '/') || ownPartHas(m.path, q, '.')) {
      hits.add(m.id);
      for (let a = m.id; a >= 0; a = mods[a].parent) keep.add(a);
    }
  });
  const underHit = (id) => { for (let a = mods[id].parent; a >= 0; a = mods[a].parent) if (hits.has(a)) return true; return false; };
  mods.forEach((m) => {
    boxes[m.id].classList.toggle('hit', hits.has(m.id));
    boxes[m.id].classList.toggle('hidden', !!q && !keep.has(m.id) && !underHit(m.id));
  });
  hits.forEach(reveal);
  document.getElementById('matches').textContent = q ? hits.size + ' module(s) match' : '';
}
document.getElementById('title').textContent = 'module tree of ' + data.onnx;
let summary = data.nodes + ' nodes, ' + mods.length + ' modules, ' + fmtBytes(mods.length ? mods[0].params : 0) + ' of parameters';
if (timed) summary += '; profile ' + data.profile.path + ': ' + data.profile.runs + ' run(s), ' + data.profile.events +
  ' node events, ' + fmtMs(data.profile.node_us) + ' node time, not attributed ' + fmtMs(data.profile.unattributed_us) +
  ' (' + data.profile.unattributed_events + ' events)';
document.getElementById('summary').textContent = summary;
if (mods.length) document.getElementById('tree').append(build(0));
document.getElementById('search').addEventListener('input', (e) => search(e.target.value));
document.querySelectorAll('#chart .cell').forEach((g) => {
  const m = mods[Number(g.dataset.id)];
  g.addEventListener('mouseenter', () => {
    document.getElementById('details').textContent = m.tag + '  (' + (m.path || '<root>') + ', ' + m.class + ')\n' +
      'total ' + fmtMs(m.total_us) + ' (' + share(m.total_us) + '), self ' + fmtMs(m.self_us) + ', calls ' + m.calls +
      ', ' + m.total + ' nodes; ' + topOps(m);
  });
  g.addEventListener('click', () => { reveal(m.id); boxes[m.id].scrollIntoView({block: 'center'}); });
});
</script></body></html>
)HTML";

}  // namespace mx
