/**
 * A client under test: `exchange(i)` makes one uncached exchange of the user's `i`-th Auth0
 * access token (distinct `i`, distinct token: identical calls in flight would be coalesced, and
 * the Promise facade's cache would answer a token seen before) and rejects unless it got the
 * federated access token.
 */
export interface Driver {
  readonly name: string
  readonly exchange: (i: number) => Promise<void>
  readonly close: () => Promise<void>
}

/** What a driver is to the report: the floor and the anchor are the references of the ratios. */
export type Role = "floor" | "anchor" | "library" | "reference"

export interface DriverSpec {
  /** Short id, for `--only`. */
  readonly key: string
  readonly role: Role
  /** Builds the client for the emulator at `url` (`http://127.0.0.1:PORT`). */
  readonly make: (url: string) => Driver | Promise<Driver>
}
