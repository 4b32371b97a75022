// The HTTP API of the stack that serves this page (same origin), with an optional bearer token.

let token = sessionStorage.getItem('sluice.token') || '';

export function setToken(value) {
  token = value.trim();
  if (token) sessionStorage.setItem('sluice.token', token); else sessionStorage.removeItem('sluice.token');
}

export function hasToken() {
  return token !== '';
}

/** An answer other than 2xx: the API's error code and message, or API Gateway's {message}. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  describe() {
    if (this.status === 401) {
      return `401 Unauthorized: the API wants a valid bearer token. Paste one above (${this.message}).`;
    }
    if (this.status === 403) {
      return `403 Forbidden: this token may not do that (operator actions need the admin scope), or the `
        + `local stack refused a request from another origin (${this.message}).`;
    }
    return `${this.status} ${this.code}: ${this.message}`;
  }
}

// The console is served at <stack>/console/, so the API's routes are one level up.
const base = new URL('../', location.href);

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(new URL(path, base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', `the API could not be reached: ${e.message}`);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const code = json && json.error ? json.error : (response.statusText || 'HTTP_ERROR');
    const message = json && json.message ? json.message : text || 'no message';
    throw new ApiError(response.status, code, message);
  }
  return json;
}

const seg = encodeURIComponent;

export const api = {
  topics: () => call('GET', 'topics').then((r) => r.topics),
  topic: (t) => call('GET', `topics/${seg(t)}`),
  createTopic: (body) => call('POST', 'topics', body),
  deleteTopic: (t) => call('DELETE', `topics/${seg(t)}`),
  fetch: (t, p, offset, maxRecords) =>
    call('GET', `topics/${seg(t)}/partitions/${p}/records?offset=${offset}&maxRecords=${maxRecords}`),
  offsetAt: (t, p, at) => call('GET', `topics/${seg(t)}/partitions/${p}/offsets?at=${seg(at)}`),
  groups: () => call('GET', 'groups').then((r) => r.groups),
  group: (g) => call('GET', `groups/${seg(g)}`),
  resetGroup: (g, body) => call('POST', `groups/${seg(g)}/reset`, body),
  shareGroups: () => call('GET', 'share-groups').then((r) => r.shareGroups),
  shareGroup: (g) => call('GET', `share-groups/${seg(g)}`),
  subscriptions: () => call('GET', 'subscriptions').then((r) => r.subscriptions),
  subscription: (s) => call('GET', `subscriptions/${seg(s)}`),
  pauseSubscription: (s) => call('POST', `subscriptions/${seg(s)}/pause`),
  resumeSubscription: (s) => call('POST', `subscriptions/${seg(s)}/resume`),
  maintenance: (topic) => call('POST', 'maintenance', topic ? { topic } : {}),
};
