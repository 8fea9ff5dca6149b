/**
 * A few DOM helpers: elements are built with properties and children, never from HTML
 * strings (so no inline style or script can sneak past the page's CSP).
 */
type Child = Node | string | null | undefined | false;

export interface ElementProps {
  className?: string;
  text?: string;
  id?: string;
  attrs?: Record<string, string | number | boolean>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (ev: HTMLElementEventMap[K]) => void }>;
}

/** Creates an element with its properties and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.id) el.id = props.id;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) {
    if (k === 'style') throw new Error('h(): set styles with CSS classes, not a style attribute (CSP)');
    if (v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const [type, fn] of Object.entries(props.on ?? {})) {
    el.addEventListener(type, fn as EventListener);
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Removes every child of `el` and appends the new ones. */
/** A table's head: one row of column headers (scope col, for screen readers). */
export function tableHead(...columns: readonly string[]): HTMLTableSectionElement {
  return h('thead', {}, h('tr', {}, ...columns.map((text) => h('th', { text, attrs: { scope: 'col' } }))));
}

export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/**
 * A <progress>-based bar with a text label beside it, readable by screen readers. The
 * label is not a live region: it changes on every step or file, and a screen reader would
 * read each one; views announce the phases in their own status line instead.
 */
export class ProgressBar {
  readonly element: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly label: HTMLElement;

  constructor(name: string) {
    this.bar = h('progress', { attrs: { max: 1, 'aria-label': name } });
    this.bar.value = 0;
    this.label = h('span', { className: 'progress-label' });
    this.element = h('div', { className: 'progress' }, h('span', { className: 'progress-name', text: name }), this.bar, this.label);
  }

  /** fraction in [0, 1]; NaN shows an indeterminate bar */
  set(fraction: number, text: string): void {
    if (Number.isFinite(fraction)) this.bar.value = Math.min(1, Math.max(0, fraction));
    else this.bar.removeAttribute('value');
    this.label.textContent = text;
  }
}
