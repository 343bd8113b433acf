/**
 * Bedrock FIXED_SIZE chunking, approximated: a "token" is a whitespace-separated word here (real
 * tokenizers yield roughly 1.3 tokens per English word, so local chunks hold somewhat more text
 * than deployed ones; chunk boundaries, not exact sizes, are what retrieval depends on).
 *
 * Each chunk holds at most `maxTokens` words and repeats about `overlapPercentage` of the
 * previous chunk's words. Within that budget a chunk prefers to end at a sentence end and to
 * start at a sentence start, so passages handed to the generator rarely begin mid-sentence.
 * Chunk text is an exact slice of the document text.
 */
import { splitSentences } from './sentences.ts';

export interface ChunkingSettings {
  readonly maxTokens: number;
  readonly overlapPercentage: number;
}

export interface TextChunk {
  readonly text: string;
  /** Character offsets into the document text (end exclusive). */
  readonly start: number;
  readonly end: number;
  /** Word offsets into the document's words (end exclusive). */
  readonly firstWord: number;
  readonly endWord: number;
}

/** How far back from the hard limit a chunk may end early to finish on a sentence. */
const SENTENCE_END_SLACK = 0.3;

export function chunkText(text: string, settings: ChunkingSettings): TextChunk[] {
  const maxWords = Math.max(1, Math.floor(settings.maxTokens));
  const overlapWords = Math.min(maxWords - 1, Math.floor((maxWords * settings.overlapPercentage) / 100));
  const words = [...text.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  if (words.length === 0) return [];

  const { sentenceStarts, sentenceEnds } = sentenceBoundaries(text, words);
  const chunks: TextChunk[] = [];
  let first = 0;
  for (;;) {
    const hardEnd = Math.min(first + maxWords, words.length);
    let end = hardEnd;
    if (hardEnd < words.length) {
      const earliest = first + Math.ceil(maxWords * (1 - SENTENCE_END_SLACK));
      end = latestIn(sentenceEnds, earliest, hardEnd) ?? hardEnd;
    }
    const startChar = words[first]?.start ?? 0;
    const endChar = words[end - 1]?.end ?? text.length;
    chunks.push({
      text: text.slice(startChar, endChar),
      start: startChar,
      end: endChar,
      firstWord: first,
      endWord: end,
    });
    if (end >= words.length) return chunks;

    // Step back by the overlap, nudged onto a nearby sentence start, but always move forward.
    const target = end - overlapWords;
    const nearby = nearestIn(sentenceStarts, target, Math.floor(overlapWords / 2), first + 1, end);
    first = Math.max(first + 1, nearby ?? target);
  }
}

/** Word indices where sentences start, and word counts after which a sentence has ended. */
function sentenceBoundaries(
  text: string,
  words: readonly { start: number; end: number }[],
): { sentenceStarts: Set<number>; sentenceEnds: Set<number> } {
  const wordAt = new Map<number, number>();
  const wordEnding = new Map<number, number>();
  words.forEach((word, i) => {
    wordAt.set(word.start, i);
    wordEnding.set(word.end, i);
  });
  const sentenceStarts = new Set<number>();
  const sentenceEnds = new Set<number>();
  for (const sentence of splitSentences(text)) {
    const startWord = wordAt.get(sentence.start);
    const endWord = wordEnding.get(sentence.end);
    if (startWord !== undefined) sentenceStarts.add(startWord);
    if (endWord !== undefined) sentenceEnds.add(endWord + 1);
  }
  return { sentenceStarts, sentenceEnds };
}

function latestIn(set: ReadonlySet<number>, from: number, to: number): number | undefined {
  for (let i = to; i >= from; i -= 1) if (set.has(i)) return i;
  return undefined;
}

function nearestIn(
  set: ReadonlySet<number>,
  target: number,
  radius: number,
  min: number,
  max: number,
): number | undefined {
  for (let d = 0; d <= radius; d += 1) {
    // Prefer stepping further back (more overlap) over less overlap.
    for (const candidate of [target - d, target + d]) {
      if (candidate >= min && candidate < max && set.has(candidate)) return candidate;
    }
  }
  return undefined;
}
