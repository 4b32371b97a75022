// The router (location hash), the token form, the confirmation dialog, and how errors are shown.

import { setToken, hasToken, ApiError } from './api.js';
import * as views from './views.js';

const main = document.getElementById('main');
const errorBox = document.getElementById('error');
const statusBox = document.getElementById('status');
let timers = [];
let generation = 0;
let keepStatus = false;

function showError(e) {
  errorBox.textContent = `Error: ${e instanceof ApiError ? e.describe() : `unexpected: ${e && e.message ? e.message : e}`}`;
  errorBox.hidden = false;
}

function clearError() {
  errorBox.hidden = true;
  errorBox.textContent = '';
}

const dialog = document.getElementById('confirm');
function confirmAction(text) {
  document.getElementById('confirm-text').textContent = text;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    // A dialog's close event is a task queued after close(): the previous confirmation's may arrive after
    // this one opened the dialog again. Only a close that left the dialog shut answers this confirmation.
    const onClose = () => {
      if (dialog.open) return;
      dialog.removeEventListener('close', onClose);
      resolve(dialog.returnValue === 'ok');
    };
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

function context(mine) {
  return {
    confirm: confirmAction,
    status: (text) => { statusBox.textContent = text; },
    go: (hash) => { keepStatus = true; location.hash = hash; },
    act: async (fn) => {
      clearError();
      try { await fn(); } catch (e) { showError(e); }
    },
    every: (ms, fn) => {
      const id = setInterval(async () => {
        if (mine !== generation) return;
        try { await fn(); } catch (e) { showError(e); }
      }, ms);
      timers.push(id);
    },
    copy: async (text, what) => {
      try {
        await navigator.clipboard.writeText(text);
        statusBox.textContent = `Copied ${what} as JSON.`;
      } catch (e) {
        const area = document.createElement('textarea');
        area.readOnly = true;
        area.value = text;
        area.setAttribute('aria-label', `${what} as JSON`);
        area.id = 'copied-json';
        statusBox.replaceChildren(`Copy ${what} from here: `, area);
        area.select();
      }
    },
  };
}

const routes = [
  [/^#\/topics$/, (m, c) => views.topics(m, c)],
  [/^#\/topics\/([^/?]+)$/, (m, c, name) => views.topic(m, c, name)],
  [/^#\/browse\/([^/?]+)(?:\?(.*))?$/, (m, c, name, q) => views.browse(m, c, name, new URLSearchParams(q || ''))],
  [/^#\/groups$/, (m) => views.groups(m)],
  [/^#\/groups\/([^/?]+)$/, (m, c, name) => views.group(m, c, name)],
  [/^#\/share-groups$/, (m) => views.shareGroups(m)],
  [/^#\/share-groups\/([^/?]+)$/, (m, c, name) => views.shareGroup(m, c, name)],
  [/^#\/subscriptions$/, (m) => views.subscriptions(m)],
  [/^#\/subscriptions\/([^/?]+)$/, (m, c, name) => views.subscription(m, c, name)],
  [/^#\/maintenance$/, (m, c) => views.maintenance(m, c)],
];

async function route(event) {
  timers.forEach(clearInterval);
  timers = [];
  const mine = ++generation;
  clearError();
  if (!keepStatus) statusBox.textContent = '';
  keepStatus = false;
  const hash = location.hash || '#/topics';
  for (const a of document.querySelectorAll('nav a')) {
    if (hash.startsWith(a.getAttribute('href'))) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  for (const [pattern, view] of routes) {
    const m = hash.match(pattern);
    if (m) {
      main.replaceChildren(document.createTextNode('Loading…'));
      main.setAttribute('aria-busy', 'true');
      try {
        await view(main, context(mine), ...m.slice(1).map((s) => (s === undefined ? s : decodeURIComponent(s))));
      } catch (e) {
        if (mine === generation) {
          showError(e);
          main.replaceChildren(document.createTextNode('This page could not be loaded.'));
        }
      } finally {
        main.removeAttribute('aria-busy');
      }
      // after a link or an action moved to another page, the keyboard starts from that page's content
      if (event && event.type === 'hashchange' && mine === generation) main.focus({ preventScroll: true });
      return;
    }
  }
  main.replaceChildren(document.createTextNode(`No page here: ${hash}.`));
}

document.getElementById('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setToken(document.getElementById('token').value);
  statusBox.textContent = hasToken() ? 'Using the bearer token.' : 'Sending no token.';
  keepStatus = true;
  route();
});

window.addEventListener('hashchange', route);
route();
