/**
 * The message for options whose properties throw when read (a getter, a Proxy trap, a wiped
 * `Redacted`): what was thrown is left out, since it could quote a secret.
 */
export const unreadableOptions = "options could not be read: reading one of its properties threw"
