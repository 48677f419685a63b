// nbstart's own lines inside a file that others also write (e.g. /etc/ssh/ssh_known_hosts): a block
// from a `# nbstart begin` line to a `# nbstart end` line. Replacing or removing the block keeps
// every other line byte for byte, so a second run with the same input writes the same text.

export const BLOCK_BEGIN = '# nbstart begin';
export const BLOCK_END = '# nbstart end';

const isBegin = (line: string): boolean => line.startsWith(BLOCK_BEGIN);
const isEnd = (line: string): boolean => line.trimEnd() === BLOCK_END;

/**
 * `text` with nbstart's block replaced by `body` (wrapped in the markers; `beginNote` follows the begin
 * marker on its line), or removed when `body` is undefined. A new block goes at the end. Throws when
 * the markers are unbalanced: a hand-edited file is not guessed at.
 */
export function spliceBlock(text: string, body: readonly string[] | undefined, beginNote = ''): string {
  const finalNewline = text.endsWith('\n');
  const lines = text === '' ? [] : (finalNewline ? text.slice(0, -1) : text).split('\n');
  const kept: string[] = [];
  let at: number | undefined;
  let open: number | undefined;
  lines.forEach((line, i) => {
    if (isBegin(line)) {
      if (open !== undefined) throw new Error(`line ${i + 1}: "${BLOCK_BEGIN}" inside the block opened on line ${open + 1}`);
      open = i;
      at ??= kept.length;
    } else if (isEnd(line)) {
      if (open === undefined) throw new Error(`line ${i + 1}: "${BLOCK_END}" without "${BLOCK_BEGIN}" before it`);
      open = undefined;
    } else if (open === undefined) {
      kept.push(line);
    }
  });
  if (open !== undefined) throw new Error(`line ${open + 1}: "${BLOCK_BEGIN}" has no "${BLOCK_END}" after it`);
  if (body === undefined) return kept.length === 0 ? '' : kept.join('\n') + (finalNewline || at === kept.length ? '\n' : '');
  const block = [`${BLOCK_BEGIN}${beginNote}`, ...body, BLOCK_END];
  const out = at === undefined ? [...kept, ...block] : [...kept.slice(0, at), ...block, ...kept.slice(at)];
  // The block ends with a newline whether it is last or not; a foreign last line keeps its own ending.
  const endsWithBlock = at === undefined || at === kept.length;
  return out.join('\n') + (endsWithBlock || finalNewline ? '\n' : '');
}
