// @ts-check
// Small DOM helpers. Data reaches the DOM only as text (text nodes, textContent, setAttribute), never as markup.

/** @typedef {Node | string | number | null | undefined | false | Child[]} Child */

/**
 * An element with attributes (null, undefined and false are left out) and children.
 * @param {string} tag
 * @param {Record<string, unknown> | null} attrs
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = String(value);
      else el.setAttribute(key, String(value));
    }
  }
  for (const child of children) append(el, child);
  return el;
}

/**
 * @param {Element} el
 * @param {Child} child
 */
function append(el, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(el, c);
    return;
  }
  el.append(typeof child === 'object' ? child : String(child));
}

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el;
}

/**
 * @param {string} id
 * @param {Node} node
 */
export function replace(id, node) {
  byId(id).replaceChildren(node);
}

/**
 * "12 s ago", "3 min ago"...
 * @param {string | null} iso
 */
export function ago(iso) {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** @param {number} v */
export function rate(v) {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** @param {number} ms */
export function millis(ms) {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}
