/**
 * The index of the first character an HTTP header value cannot carry (anything but visible ASCII,
 * space and tab), or undefined. undici refuses such a header, so it is caught here, by name.
 */
export function firstNonHeaderCharacter(value: string): number | undefined {
  const index = value.search(/[^\t\x20-\x7e]/);
  return index === -1 ? undefined : index;
}
