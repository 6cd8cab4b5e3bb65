/*
 * Dates and times as the person reads them, in their language: the Gregorian calendar and Latin
 * digits in every language (a receipt is also read by staff, and Farsi would otherwise default
 * to the Solar Hijri calendar), Europe/Berlin wall-clock time (docs/design.md §3.1).
 */

const zone = 'Europe/Berlin'

const localeOf = (language: string) =>
  `${language === 'de-ls' ? 'de' : language === 'en' ? 'en-GB' : language}-u-ca-gregory-nu-latn`

/** A calendar date (`YYYY-MM-DD`), e.g. "10. Juni 2005" or "10 يونيو 2005". */
export function formatPersonDate(language: string, date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Intl.DateTimeFormat(localeOf(language), {
    timeZone: zone,
    dateStyle: 'long',
  }).format(new Date(Date.UTC(y, m - 1, d, 12)))
}

/** An instant as Berlin date and time, e.g. "2. März 2026, 10:15". */
export function formatPersonTime(language: string, at: string): string {
  return new Intl.DateTimeFormat(localeOf(language), {
    timeZone: zone,
    dateStyle: 'long',
    timeStyle: 'short',
    hourCycle: 'h23',
  }).format(new Date(at))
}
