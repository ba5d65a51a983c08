// SparseSeg live viewer: one WebSocket; the server pushes each stream's newest image of the chosen
// view (binary: 4-byte length, JSON metadata, image bytes) and everyone's figures once a second (text).
'use strict';
(() => {
  const KEEP = 8;                       // overlays and masks kept per stream to pair them by seq
  const streamsEl = document.getElementById('streams');
  const statusEl = document.getElementById('status');
  const cards = new Map();
  let config = { topics: {} };
  let view = 'overlay';
  let ws = null;
  // For people and tests: push latency (arrival at the viewer to the page) of the last frames.
  window.sparseseg = { pushMs: [], frames: 0 };

  function setStatus(state, text) {
    statusEl.dataset.state = state;
    statusEl.textContent = text;
  }

  function card(id) {
    let c = cards.get(id);
    if (c) return c;
    document.getElementById('empty')?.remove();
    const el = document.createElement('figure');
    el.className = 'stream';
    el.dataset.stream = id;
    el.innerHTML = '<h3></h3><div class="pic"><img class="base" alt=""><img class="mask" alt="">' +
      '<div class="none"></div></div><p class="stats">…</p>';
    el.querySelector('h3').textContent = id;
    const all = [...cards.keys(), id].sort();
    const next = all[all.indexOf(id) + 1];
    streamsEl.insertBefore(el, next ? cards.get(next).el : null);
    c = { el, base: el.querySelector('.base'), mask: el.querySelector('.mask'), none: el.querySelector('.none'),
          stats: el.querySelector('.stats'), overlays: new Map(), masks: new Map(), last: null };
    cards.set(id, c);
    return c;
  }

  function show(img, url) {
    const old = img.dataset.url;
    img.onload = () => { if (old && old !== url && !isKept(old)) URL.revokeObjectURL(old); };
    img.dataset.url = url;
    img.src = url;
  }

  const kept = new Set();
  function isKept(url) { return kept.has(url); }

  function remember(map, seq, url) {
    map.set(seq, url);
    kept.add(url);
    while (map.size > KEEP) {
      const [s, u] = map.entries().next().value;
      map.delete(s);
      kept.delete(u);
      if (u !== undefined && !document.querySelector(`img[data-url="${u}"]`)) URL.revokeObjectURL(u);
    }
  }

  function displayed(c, meta) {
    c.el.dataset.seq = meta.seq;
    c.el.dataset.view = view;
    delete c.el.dataset.missing;
    c.last = meta;
    window.sparseseg.frames++;
    const push = Date.now() - meta.arrivalMs;
    const p = window.sparseseg.pushMs;
    p.push(push);
    if (p.length > 500) p.shift();
  }

  function onFrame(buf) {
    const dv = new DataView(buf);
    const n = dv.getUint32(0);
    const meta = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)));
    const url = URL.createObjectURL(new Blob([new Uint8Array(buf, 4 + n)], { type: meta.mime }));
    const c = card(meta.stream);
    if (view === 'mask') {
      // The mask goes over the overlay of the same frame: pair them by seq, whichever came first.
      if (meta.kind === 'overlay') remember(c.overlays, meta.seq, url);
      else if (meta.kind === 'mask') remember(c.masks, meta.seq, url);
      else { URL.revokeObjectURL(url); return; }
      const o = c.overlays.get(meta.seq), m = c.masks.get(meta.seq);
      if (o && m && !(c.last && c.last.seq > meta.seq && c.el.dataset.view === 'mask')) {
        show(c.base, o);
        show(c.mask, m);
        displayed(c, meta);
      }
    } else if (meta.kind === view) {
      show(c.base, url);
      displayed(c, meta);
    } else {
      URL.revokeObjectURL(url);
    }
  }

  function fmt(x, digits) { return Number.isFinite(x) ? x.toFixed(digits) : '–'; }

  function onStats(s) {
    for (const st of s.streams) {
      const c = card(st.stream);
      const e2e = st.arrivalLatencyMs >= 0 && st.arrivalLatencyMs < 3600000 ? `${st.arrivalLatencyMs} ms` : '–';
      c.stats.innerHTML = `<b class="fps">${fmt(st.fps, 1)}</b> fps · latency <b class="latency">${st.latencyMs}</b> ms in the job,` +
        ` <b class="e2e">${e2e}</b> capture to viewer · refined <b class="refined">${fmt(100 * st.refinedFraction, 1)}</b>%` +
        ` · ${st.width}×${st.height} · #<span class="seq">${st.seq}</span>`;
      c.el.dataset.fps = st.fps;
      if (st.ageMs > 5000) c.el.dataset.stale = ''; else delete c.el.dataset.stale;
      if (config.model && st.model && st.model !== config.model) {
        c.stats.insertAdjacentHTML('beforeend', ` · <b>model ${st.model}, legend for ${config.model}</b>`);
      }
      const want = view === 'mask' ? 'mask' : view;
      if (!st.kinds.includes(want) && !c.last) {
        c.el.dataset.missing = '';
        c.none.textContent = `nothing on topic ${config.topics[want] ?? '(none)'} for this stream yet`;
      }
    }
  }

  function setView(v) {
    view = v;
    document.body.dataset.view = v;
    for (const b of document.querySelectorAll('#views button')) b.setAttribute('aria-pressed', String(b.dataset.view === v));
    for (const c of cards.values()) {
      c.overlays.clear(); c.masks.clear(); kept.clear(); c.last = null;
      c.mask.removeAttribute('src');
    }
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ view: v }));
  }

  function connect() {
    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => { setStatus('live', 'live'); ws.send(JSON.stringify({ view })); };
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') {
        const m = JSON.parse(e.data);
        if (m.type === 'stats') onStats(m);
      } else {
        onFrame(e.data);
      }
    };
    ws.onclose = () => { setStatus('down', 'disconnected, retrying…'); setTimeout(connect, 1000); };
  }

  document.getElementById('views').addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (b && !b.disabled) setView(b.dataset.view);
  });

  fetch('config.json').then((r) => r.json()).then((c) => {
    config = c;
    document.getElementById('model').textContent = `(${c.model})`;
    const ul = document.getElementById('legend');
    for (const k of c.classes) {
      const li = document.createElement('li');
      li.dataset.class = k.name;
      li.innerHTML = `<span class="swatch" style="background:${k.colour}"></span>`;
      li.append(k.name);
      ul.append(li);
    }
    for (const b of document.querySelectorAll('#views button')) {
      if (!c.topics[b.dataset.view]) { b.disabled = true; b.title = 'no topic for this view'; }
    }
    connect();
  }).catch((e) => setStatus('down', `cannot load the viewer's settings: ${e}`));
})();
