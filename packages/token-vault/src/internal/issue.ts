/** What a Schema's issue says first, for errors that name an option or argument and its rule. */
import type * as SchemaIssue from "effect/SchemaIssue"

/** The message annotation of an issue's own schema or filter, if any. */
const ownMessage = (issue: SchemaIssue.Issue): unknown => {
  if (issue._tag === "Filter") return issue.filter.annotations?.message
  if (issue._tag === "Pointer") return undefined
  const annotations = "annotations" in issue ? issue.annotations : undefined
  const ast = "ast" in issue
    ? (issue.ast as { readonly annotations?: { readonly message?: unknown } } | undefined)
    : undefined
  return annotations?.message ?? ast?.annotations?.message
}

/** The first failure of an issue: the path to it, whether a key is missing, and its message. */
export interface Failure {
  readonly path: ReadonlyArray<PropertyKey>
  readonly missing: boolean
  readonly message: unknown
}

/**
 * The first failure of an issue, and the message the innermost field schema or filter on the
 * way to it gives (a rule's own words, e.g. why a domain is refused, before the field's general
 * message). Messages of the schemas above the first field are skipped: they could describe the
 * input.
 */
export const firstFailure = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey> = []): Failure => {
  const own = path.length > 0 ? ownMessage(issue) : undefined
  const inner = ((): Failure => {
    switch (issue._tag) {
      case "Pointer":
        return firstFailure(issue.issue, [...path, ...issue.path])
      case "Filter":
      case "Encoding":
        return firstFailure(issue.issue, path)
      case "Composite":
        return firstFailure(issue.issues[0], path)
      case "AnyOf":
        return issue.issues.length > 0
          ? firstFailure(issue.issues[0]!, path)
          : { path, missing: false, message: undefined }
      default:
        return { path, missing: issue._tag === "MissingKey", message: undefined }
    }
  })()
  return inner.message === undefined && own !== undefined ? { ...inner, message: own } : inner
}
