// CSS text built from configuration. Values never reach CSS unescaped: strings are escaped character
// by character, colours come only from validated #rrggbb.

/**
 * A double-quoted CSS string holding `text`. Every character other than an ASCII letter or digit
 * becomes a six-digit escape (`\00003C`), so nothing left unescaped can end the string, the
 * declaration, the rule or a surrounding <style> element. Spaces are escaped too: CSS swallows one
 * white-space character after any hex escape, six digits or not, so "<a b" would read as "<ab".
 */
export function cssString(text: string): string {
  let out = '';
  for (const ch of text) {
    out += /^[A-Za-z0-9]$/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(6, '0')}`;
  }
  return `"${out}"`;
}

/** Black or white, whichever reads better on `#rrggbb` (WCAG relative luminance). */
export function textColorOn(hex: string): '#000000' | '#ffffff' {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${JSON.stringify(hex)}`);
  const lin = (h: string): number => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(m[1]!) + 0.7152 * lin(m[2]!) + 0.0722 * lin(m[3]!);
  // Contrast with black is (l + 0.05) / 0.05, with white 1.05 / (l + 0.05); they are equal at l ≈ 0.179.
  return l > 0.179 ? '#000000' : '#ffffff';
}
