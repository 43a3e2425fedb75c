const isHttpWhitespace = (code: number | undefined) =>
  code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d

/** A header value as the Web `Headers` would hold it: without surrounding HTTP whitespace. */
export const headerValue = (value: string): string => {
  let start = 0
  let end = value.length
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--
  return start === 0 && end === value.length ? value : value.slice(start, end)
}
