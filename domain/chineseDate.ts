const DIGITS = '〇一二三四五六七八九';

/** 1-31 as in a document's date: 一, 十, 十一, 二十, 三十一. */
function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}

/** A YYYY-MM-DD date as an official document writes it: 2026-11-30 -> 二〇二六年十一月三十日. */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${[...y].map((c) => DIGITS[Number(c)]).join('')}年${chineseNumber(Number(m))}月${chineseNumber(Number(d))}日`;
}
