import { describe, expect, it } from 'vitest';
import { chunkText } from '../../../local/bedrock-emulator/ingestion/chunker.ts';

const words = (text: string) => text.split(/\s+/).filter((w) => w.length > 0);

/** 120 numbered sentences of 5 to 12 words, one paragraph per 4 sentences. */
function sampleText(): string {
  const lines: string[] = [];
  for (let p = 0; p < 30; p += 1) {
    const sentences = [];
    for (let s = 0; s < 4; s += 1) {
      const n = p * 4 + s;
      const filler = Array.from({ length: 4 + (n % 8) }, (_, i) => `w${n}x${i}`).join(' ');
      sentences.push(`Sentence ${n} ${filler}.`);
    }
    lines.push(sentences.join(' '));
  }
  return lines.join('\n');
}

describe('chunkText', () => {
  const settings = { maxTokens: 60, overlapPercentage: 20 };
  const text = sampleText();
  const chunks = chunkText(text, settings);

  it('keeps every chunk within maxTokens words', () => {
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(words(chunk.text).length).toBeLessThanOrEqual(60);
  });

  it('makes chunks exact slices of the document', () => {
    for (const chunk of chunks) expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
  });

  it('loses no text: consecutive chunks touch or overlap, and the ends are covered', () => {
    const all = words(text);
    expect(chunks[0]?.firstWord).toBe(0);
    expect(chunks.at(-1)?.endWord).toBe(all.length);
    for (let i = 1; i < chunks.length; i += 1) {
      expect(chunks[i]?.firstWord).toBeLessThanOrEqual(chunks[i - 1]?.endWord ?? 0);
    }
    const covered = new Set(chunks.flatMap((c) => words(c.text)));
    for (const word of all) expect(covered.has(word)).toBe(true);
  });

  it('overlaps neighbours by about overlapPercentage of maxTokens', () => {
    for (let i = 1; i < chunks.length; i += 1) {
      const overlap = (chunks[i - 1]?.endWord ?? 0) - (chunks[i]?.firstWord ?? 0);
      expect(overlap).toBeGreaterThanOrEqual(6); // 12 words ± half
      expect(overlap).toBeLessThanOrEqual(18);
    }
  });

  it('prefers to end chunks at the end of a sentence', () => {
    for (const chunk of chunks.slice(0, -1)) expect(chunk.text).toMatch(/\.$/);
  });

  it('prefers to start chunks at the start of a sentence', () => {
    for (const chunk of chunks) expect(chunk.text).toMatch(/^Sentence \d+/);
  });

  it('returns one chunk for a short document and none for an empty one', () => {
    expect(chunkText('Just a few words here.', settings)).toEqual([
      { text: 'Just a few words here.', start: 0, end: 22, firstWord: 0, endWord: 5 },
    ]);
    expect(chunkText('  \n ', settings)).toEqual([]);
  });

  it('cuts mid-sentence when a sentence is longer than a chunk, still losing nothing', () => {
    const long = Array.from({ length: 250 }, (_, i) => `word${i}`).join(' ');
    const pieces = chunkText(long, { maxTokens: 100, overlapPercentage: 10 });
    expect(pieces.map((c) => [c.firstWord, c.endWord])).toEqual([
      [0, 100],
      [90, 190],
      [180, 250],
    ]);
  });

  it('does not overlap when overlapPercentage is 0', () => {
    const long = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const pieces = chunkText(long, { maxTokens: 10, overlapPercentage: 0 });
    expect(pieces.map((c) => [c.firstWord, c.endWord])).toEqual([
      [0, 10],
      [10, 20],
      [20, 30],
    ]);
  });
});
