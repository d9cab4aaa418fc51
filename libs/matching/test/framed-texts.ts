import { stringTableFrames } from '../src/engine/snapshot-frames';

/**
 * `texts` framed as the snapshot writer frames a string table (`stringTableFrames`), at most
 * `frameBytes` a frame, or the longest entry's size where that is more: the frames a raw table
 * (`RawStrings`) is read from, for tests of what reads them.
 */
export function framedTexts(texts: readonly string[], frameBytes: number): Buffer[] {
  const longest = Math.max(0, ...texts.map((t) => 4 + Buffer.byteLength(t, 'utf8')));
  return [...stringTableFrames(texts, 'texts', Math.max(frameBytes, longest))];
}
