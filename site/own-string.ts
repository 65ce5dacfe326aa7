// Strings the site keeps for the life of a run (client ids, names, update ids) must not be slices of a
// request. V8 returns a regex capture or a substring of 13+ characters as a view into the whole string
// it was cut from, so a client id read from a state report kept in a Set keeps the report's entire text
// alive (~100 KB for a first-scan report), and a name from a registration request its ~6 KB of
// certificates: per client, for the whole run.
/**
 * A copy of `text` that shares no memory with the string it was cut from. The concatenation is flattened
 * into a fresh string of text.length + 1 characters before the slice, so the result holds that alone.
 */
export function ownString(text: string): string {
  return ` ${text}`.slice(1);
}
