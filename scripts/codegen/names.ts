// Identifier helpers for generated code: service name → camelCase/PascalCase, safe TypeScript names.

/** `cognito-idp` → `cognitoIdp`. */
export function camelName(service: string): string {
  return service.replace(/[-_.]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase())
}

/** `cognito-idp` → `CognitoIdp`. */
export function pascalName(service: string): string {
  const camel = camelName(service)
  return camel.charAt(0).toUpperCase() + camel.slice(1)
}

/** A property key as TypeScript source: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name)
}

// Names a generated type must not take: TypeScript's primitive keywords, the globals our generated files use, and
// globals a file importing the type would lose (S3 models shapes named `Error` and `Object`).
const TAKEN = new Set([
  'any', 'bigint', 'boolean', 'never', 'number', 'object', 'string', 'symbol', 'undefined', 'unknown', 'void',
  'Array', 'Date', 'Record', 'Uint8Array', 'Promise', 'Readonly', 'Partial',
  'Error', 'Object', 'Map', 'Set', 'String', 'Number', 'Boolean', 'Function', 'Symbol',
])

/** The TypeScript type name for a shape: its own name, unless that would shadow something the file needs. */
export function typeName(shape: string): string {
  return TAKEN.has(shape) ? `${shape}Shape` : shape
}
