// talisman (MIT, https://github.com/Yomguithereal/talisman) ships CommonJS without type
// declarations and there is no @types/talisman; these cover only the modules this library uses.
declare module 'talisman/metrics/jaro-winkler' {
  export function similarity(a: string, b: string): number;
  export function distance(a: string, b: string): number;
}

declare module 'talisman/phonetics/double-metaphone' {
  /** Returns [primary, alternate] Double Metaphone codes (Philips 2000). */
  function doubleMetaphone(word: string): [string, string];
  export = doubleMetaphone;
}
