/**
 * `application/x-www-form-urlencoded` encoding of one value (the form body, and Basic auth as
 * RFC 6749 §2.3.1 asks). A lone surrogate, which `encodeURIComponent` refuses, is sent as
 * U+FFFD, as `URLSearchParams` does.
 */
export const formEncode = (value: string): string => {
  try {
    return encodeURIComponent(value).replace(/%20/g, "+")
  } catch {
    return new URLSearchParams({ "": value }).toString().slice(1)
  }
}
