/**
 * Remembers the last answer of a pure function of a text. One evaluation asks the same question
 * of the same text many times in a row (once per content filter, once per denied topic), and the
 * answers are arrays of small objects: working them out once spares the time and the garbage.
 * Callers must treat the answer as read-only, since the next caller gets the same one.
 */
export function rememberLast<T>(compute: (text: string) => T): (text: string) => T {
  let last: { readonly text: string; readonly value: T } | undefined;
  return (text) => {
    if (last?.text !== text) last = { text, value: compute(text) };
    return last.value;
  };
}
