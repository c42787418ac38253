/** The shape of a value, shared by the static secret judgement, live body classification and redaction. */

/** Shannon entropy in bits per character (code points). */
export function entropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Mostly ascending characters: `abcdefgh12345678`, `1234567890`. */
export function isSequence(value: string): boolean {
  let steps = 0;
  for (let i = 1; i < value.length; i++) if (value.charCodeAt(i) - value.charCodeAt(i - 1) === 1) steps++;
  return steps >= (value.length - 1) * 0.6;
}

/** Separated words (`orders-table`, `my_secret_key`, `supersecret123`, `Bearer`): not generated. */
export function isWords(value: string): boolean {
  const pieces = value.replace(/\d{1,4}$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').split(/[-_.:/ ]+/).filter(Boolean);
  return pieces.length > 0 && pieces.every((p) => /^[A-Za-z][a-z]*$|^[A-Z]+$/.test(p));
}

/** The Luhn check of a digit string (card numbers). */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
