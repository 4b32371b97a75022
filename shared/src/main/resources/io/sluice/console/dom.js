// Builds elements. Strings become text nodes: nothing here ever parses a string as HTML.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A table with a caption, a header row and rows of cells (a cell is a node, text, or {num}). */
export function table(caption, headings, rows, attrs = {}) {
  return el('table', attrs,
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) =>
      c !== null && typeof c === 'object' && 'num' in c ? el('td', { class: 'num' }, c.num) : el('td', {}, c))))));
}

export const num = (n) => ({ num: typeof n === 'number' ? n.toLocaleString('en-US') : n });
