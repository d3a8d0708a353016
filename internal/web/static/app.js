// Threadline's agent app: keyboard shortcuts, live updates over
// server-sent events, and small conveniences. Pages work without it
// (plain links and forms); htmx (hx-boost) makes navigation and forms
// partial. Nothing here builds HTML from data: text goes in as text.
(function () {
  'use strict';

  const keysOffKey = 'tl-keys-off';
  const queueKey = 'tl-queue';

  const app = () => document.getElementById('app') || document.body;
  const page = () => app().dataset.page || '';
  const keysOff = () => localStorage.getItem(keysOffKey) === '1';
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  function announce(text) {
    const el = $('#live-status');
    if (el) { el.textContent = ''; setTimeout(() => { el.textContent = text; }, 50); }
  }

  // --- queue selection (j/k) -------------------------------------------
  function rows() { return $$('#queue .row, .rows .row'); }

  function select(i, focus) {
    const rs = rows();
    if (rs.length === 0) return;
    i = Math.max(0, Math.min(rs.length - 1, i));
    rs.forEach((r, n) => {
      if (n === i) r.setAttribute('aria-current', 'true'); else r.removeAttribute('aria-current');
    });
    const link = $('.row-link', rs[i]);
    if (focus && link) link.focus();
    sessionStorage.setItem('tl-selected', rs[i].dataset.thread || '');
  }

  function selectedIndex() {
    const rs = rows();
    const cur = rs.findIndex((r) => r.getAttribute('aria-current') === 'true');
    if (cur >= 0) return cur;
    const id = sessionStorage.getItem('tl-selected');
    return Math.max(0, rs.findIndex((r) => r.dataset.thread === id));
  }

  // Remember the queue (its address and its threads in order), so that a
  // thread page can move to the next and previous thread (j/k) and back.
  function rememberQueue() {
    const q = $('#queue');
    if (!q) return;
    const ids = rows().map((r) => r.dataset.thread);
    sessionStorage.setItem(queueKey, JSON.stringify({ url: q.dataset.url || '/', ids: ids }));
  }

  function queueMemory() {
    try { return JSON.parse(sessionStorage.getItem(queueKey)) || { url: '/', ids: [] }; } catch (e) { return { url: '/', ids: [] }; }
  }

  function moveThread(delta) {
    const m = queueMemory();
    const here = $('.thread-page') && $('.thread-page').dataset.thread;
    const i = m.ids.indexOf(here);
    const next = m.ids[i + delta];
    if (i >= 0 && next) location.href = '/threads/' + next;
  }

  // --- thread actions ---------------------------------------------------
  function openPicker(key) {
    const d = $('details[data-key="' + key + '"]');
    if (!d) return false;
    $$('details.picker[open]').forEach((o) => { if (o !== d) o.open = false; });
    d.open = true;
    const first = $('input, button, select', d.querySelector('.menu') || d);
    if (first) first.focus();
    return true;
  }

  function submitKeyForm(key) {
    const f = $('form[data-key="' + key + '"]');
    if (!f) return false;
    f.requestSubmit();
    return true;
  }

  function focusComposer(id) {
    const t = document.getElementById(id);
    if (!t || t.disabled) return false;
    t.focus();
    t.scrollIntoView({ block: 'center' });
    return true;
  }

  // typing reports whether keys pressed in el are text (or a choice) for
  // it, not shortcuts.
  function typing(el) {
    if (!el) return false;
    if (el.tagName === 'INPUT') return !/^(checkbox|radio|button|submit|reset|file)$/.test(el.type);
    return el.isContentEditable || /^(TEXTAREA|SELECT)$/.test(el.tagName);
  }

  function onKey(e) {
    const el = document.activeElement;
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && el && el.tagName === 'TEXTAREA' && el.form) {
      e.preventDefault();
      el.form.requestSubmit();
      return;
    }
    if (e.key === 'Enter' && el && el.type === 'checkbox' && el.form && el.closest('.picker')) {
      e.preventDefault(); // Enter in a picker's checkboxes saves the choice
      el.form.requestSubmit();
      return;
    }
    if (e.key === 'Escape') {
      if ($('dialog[open]')) return; // the dialog closes itself
      const open = $('details.picker[open]');
      if (open) { open.open = false; $('summary', open).focus(); e.preventDefault(); return; }
      if (typing(el)) { el.blur(); e.preventDefault(); return; }
      if (page() === 'thread' && !$('dialog[open]')) { location.href = queueMemory().url; }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(el) || $('dialog[open]')) return;
    if (e.key === '?') { e.preventDefault(); openShortcuts(); return; }
    if (keysOff()) return;
    const k = e.key;
    if (k === '/') { e.preventDefault(); const s = $('#search-q'); if (s) s.focus(); return; }
    let handled = false;
    if (page() === 'queue' || page() === 'customer' || page() === 'search') {
      if (k === 'j') { select(selectedIndex() + (document.activeElement.closest('.row') ? 1 : 0), true); handled = true; }
      if (k === 'k') { select(selectedIndex() - 1, true); handled = true; }
      if (k === 'e' && page() === 'queue') { handled = doneSelected(); }
    } else if (page() === 'thread') {
      if (k === 'j') { moveThread(1); handled = true; }
      if (k === 'k') { moveThread(-1); handled = true; }
      if (k === 'e') handled = submitKeyForm('e');
      if (k === 'z' || k === 's') handled = openPicker('z');
      if (k === 'a') handled = openPicker('a');
      if (k === 'l') handled = openPicker('l');
      if (k === 'p') handled = openPicker('p');
      if (k === 'r') handled = focusComposer('reply-text');
      if (k === 'n') handled = focusComposer('note-text');
    }
    if (handled) e.preventDefault();
  }

  // e in the queue: mark the selected thread done.
  function doneSelected() {
    const r = rows()[selectedIndex()];
    if (!r) return false;
    fetch('/threads/' + r.dataset.thread + '/status', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' },
      body: 'to=done', redirect: 'manual',
    }).then(() => { announce('Marked done.'); refreshQueue(); });
    return true;
  }

  // --- shortcuts dialog -------------------------------------------------
  function openShortcuts() {
    const d = $('#shortcuts');
    if (!d) return;
    const box = $('#keys-off', d);
    if (box) box.checked = keysOff();
    d.showModal();
  }

  document.addEventListener('change', (e) => {
    if (e.target && e.target.id === 'keys-off') {
      localStorage.setItem(keysOffKey, e.target.checked ? '1' : '0');
    }
  });

  document.addEventListener('click', (e) => {
    const t = e.target.closest('[data-copy], [data-action="shortcuts"]');
    if (!t) return;
    if (t.dataset.action === 'shortcuts') { openShortcuts(); return; }
    navigator.clipboard && navigator.clipboard.writeText(t.dataset.copy).then(() => announce('Copied.'));
  });

  // --- live updates -----------------------------------------------------
  let refreshTimer = null;
  function refreshQueue() {
    const q = $('#queue');
    if (!q || !window.htmx) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      const selected = sessionStorage.getItem('tl-selected');
      const hadFocus = document.activeElement && document.activeElement.closest('#queue');
      window.htmx.ajax('GET', q.dataset.url || '/', { target: '#queue', swap: 'outerHTML' }).then(() => {
        const i = rows().findIndex((r) => r.dataset.thread === selected);
        if (i >= 0) select(i, hadFocus);
        rememberQueue();
        decorate();
      });
    }, 150);
  }

  // busy reports whether the agent is using the thread's live part (a
  // picker open, a field focused): its refresh waits, so that nothing is
  // swapped away under their hands.
  function busy() {
    const el = document.activeElement;
    return !!$('details.picker[open]') || !!(el && el.closest('#thread-live form'));
  }

  let pendingThread = null;
  function refreshThread(id) {
    const tp = $('.thread-page');
    if (!window.htmx || !$('#thread-live') || !tp || tp.dataset.thread !== id) return;
    if (busy()) {
      if (!pendingThread) pendingThread = setInterval(() => {
        if (busy()) return;
        clearInterval(pendingThread);
        pendingThread = null;
        refreshThread(id);
      }, 300);
      return;
    }
    const writing = $$('.composer textarea').some((t) => t.value.trim() !== '');
    window.htmx.ajax('GET', '/threads/' + id, { target: '#thread-live', swap: 'outerHTML' }).then(() => {
      decorate();
      if (writing) {
        showBanner('This thread changed while you were writing. Read the new activity before you send.');
      } else {
        announce('The thread was updated.');
      }
    });
  }

  // A refresh that arrives while the agent has started using the thread's
  // live part is dropped, and asked again once they are done.
  document.addEventListener('htmx:beforeSwap', (e) => {
    const t = e.detail && e.detail.target;
    if (t && t.id === 'thread-live' && busy()) {
      e.detail.shouldSwap = false;
      const tp = $('.thread-page');
      if (tp) refreshThread(tp.dataset.thread);
    }
  });

  function showBanner(text) {
    let b = $('#live-banner');
    if (!b) {
      b = document.createElement('div');
      b.id = 'live-banner';
      b.className = 'alert warn';
      b.setAttribute('role', 'alert');
      const main = $('#main');
      main.insertBefore(b, main.firstChild);
    }
    b.textContent = text;
  }

  let source = null;
  function listen() {
    if (!app().dataset.me || !window.EventSource) return;
    if (source && source.readyState !== EventSource.CLOSED) return;
    source = new EventSource('/events');
    source.addEventListener('change', (e) => {
      let n;
      try { n = JSON.parse(e.data); } catch (err) { return; }
      if (page() === 'queue') refreshQueue();
      const tp = $('.thread-page');
      if (page() === 'thread' && tp && n.key === tp.dataset.thread) refreshThread(n.key);
    });
    source.addEventListener('open', () => { document.documentElement.dataset.live = 'on'; });
    source.addEventListener('error', () => {
      document.documentElement.dataset.live = 'off';
      if (source.readyState === EventSource.CLOSED) setTimeout(listen, 3000);
    });
  }

  // --- page set-up ------------------------------------------------------
  function decorate() {
    $$('[data-color]').forEach((el) => {
      if (/^#[0-9a-fA-F]{3,8}$/.test(el.dataset.color)) el.style.setProperty('--label', el.dataset.color);
    });
  }

  function setUp() {
    app().dataset.ready = '1';
    decorate();
    if (page() === 'queue') {
      rememberQueue();
      const i = rows().findIndex((r) => r.dataset.thread === sessionStorage.getItem('tl-selected'));
      select(i >= 0 ? i : 0, false);
    }
    listen();
  }

  document.addEventListener('keydown', onKey);
  // A new page (a boosted link or form) starts unfocused — not in
  // whichever field of the old page had the same id (htmx would restore
  // focus there) — and is set up once swapped in.
  document.addEventListener('htmx:beforeSwap', (e) => {
    if (e.detail && e.detail.target === document.body && document.activeElement) document.activeElement.blur();
  });
  document.addEventListener('htmx:afterSwap', (e) => { if (e.detail && e.detail.target === document.body) setUp(); });
  document.addEventListener('htmx:historyRestore', setUp);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setUp); else setUp();
})();
