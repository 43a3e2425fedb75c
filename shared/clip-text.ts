/** `text` cut to `max` characters, saying how much was left out. */
export const clipText = (text: string, max: number): string =>
  text.length <= max
    ? text
    : `${text.slice(0, max)}\n\n[${text.length - max} more characters left out]`
