// Text cut at marker values: a builder's output for markers becomes a template whose slots take the real
// values, so a message a client sends many times is written by concatenation while its layout keeps its
// one home in the builder. The markers must be texts no constant part of the output contains.

export interface TextTemplate {
  /** texts[i] precedes slot i; the last text ends the output. */
  readonly texts: readonly string[];
  /** Per slot, the index of the marker (the value) that goes there. */
  readonly slots: readonly number[];
}

/** Cuts `text` at every occurrence of the markers (several occurrences of one marker are several slots). */
export function cutTemplate(text: string, markers: readonly string[]): TextTemplate {
  const texts: string[] = [];
  const slots: number[] = [];
  let rest = text;
  for (;;) {
    let at = -1;
    let which = -1;
    markers.forEach((marker, m) => {
      const i = rest.indexOf(marker);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        which = m;
      }
    });
    if (which < 0) break;
    texts.push(rest.slice(0, at));
    slots.push(which);
    rest = rest.slice(at + markers[which]!.length);
  }
  texts.push(rest);
  return { texts, slots };
}

/** The template with values[m] in each slot of marker m (values as the builder would have written them). */
export function fillTemplate(template: TextTemplate, values: readonly string[]): string {
  const { texts, slots } = template;
  let out = texts[0]!;
  for (let i = 0; i < slots.length; i++) out += values[slots[i]!]! + texts[i + 1]!;
  return out;
}
