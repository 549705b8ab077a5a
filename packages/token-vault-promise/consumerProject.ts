/**
 * The TypeScript options of the project the declarations must compile in: a Node project without
 * the DOM lib and without `@types`. The build checks `dist/index.d.ts` under them, and so does
 * `test/bundle.test.ts`.
 */
import ts from "typescript"

export const consumerCompilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2022.d.ts"],
  types: [],
  strict: true,
  exactOptionalPropertyTypes: true
}
