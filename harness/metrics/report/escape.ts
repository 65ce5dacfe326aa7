// Text that ends up in the report's HTML: profile names, event titles, error kinds and thresholds come
// from user input (a profile file, a site's fault text), so every piece is escaped where it is placed.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML element's content or a quoted attribute value. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON for an inline `<script type="application/json">`: `<` is written as \u003c so no value (an event
 * title holding `</script>`, `<!--`) can end the element early; U+2028/U+2029 likewise as escapes.
 * JSON.parse reads the escapes back to the same text.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A library's source for an inline `<script>`: it must not contain `</script` (which would end the
 * element whatever the JavaScript around it); the inlined libraries are checked, not rewritten.
 */
export function scriptSafe(source: string, what: string): string {
  if (/<\/script/i.test(source)) throw new Error(`${what} contains "</script" and cannot be inlined`);
  return source;
}
