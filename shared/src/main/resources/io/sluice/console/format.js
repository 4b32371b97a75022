// How keys, values and header values (base64 in the API's JSON) are shown: as JSON pretty-printed when
// they are UTF-8 that parses as JSON, as UTF-8 text when they decode, and as hex otherwise.

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function bytesOf(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** {kind: 'json'|'utf-8'|'hex'|'null', text} for a base64 field (null or absent for no key). */
export function decode(base64) {
  if (base64 === null || base64 === undefined) return { kind: 'null', text: '' };
  const bytes = bytesOf(base64);
  let text;
  try {
    text = utf8.decode(bytes);
  } catch (e) {
    return { kind: 'hex', text: hex(bytes) };
  }
  if (/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text)) return { kind: 'hex', text: hex(bytes) };
  try {
    return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch (e) {
    return { kind: 'utf-8', text };
  }
}

export function duration(ms) {
  if (ms < 0) return 'forever';
  const units = [['d', 86400000], ['h', 3600000], ['min', 60000], ['s', 1000]];
  for (const [name, size] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${name}`;
  return `${ms} ms`;
}

export function bytes(n) {
  if (n < 0) return 'unlimited';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1 && n % 1024 === 0) { n /= 1024; i++; }
  return `${n} ${units[i]}`;
}
