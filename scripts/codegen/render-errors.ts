// Writes src/generated/<service>/errors.ts: one AwsError subclass per modelled error shape, named after the shape.
import type { ServiceModel, StructureShape } from '../../src/model/types.js'
import { generatedHeader } from './generated-header.js'

export function renderErrors(model: ServiceModel): string {
  const out: string[] = [generatedHeader(`the ${model.metadata.serviceId} modelled errors`)]
  const errors = Object.entries(model.shapes).filter(
    (entry): entry is [string, StructureShape] => entry[1].type === 'structure' && entry[1].exception === true,
  )
  if (errors.length === 0) {
    out.push(`// The ${model.metadata.serviceId} model declares no error shapes; its errors are the common ones in src/core.`)
    out.push('export {}')
    return out.join('\n') + '\n'
  }
  out.push(`import { AwsError } from '../../core/aws-error.js'`, '')
  out.push('type ErrorFields = Readonly<Record<string, unknown>>', '')
  for (const [name, shape] of errors) {
    const code = shape.error?.code ?? name
    const status = shape.error?.httpStatusCode ?? (shape.fault ? 500 : 400)
    // botocore marks client errors with senderFault; an unmarked error is the server's (Query's <Type>Receiver).
    const fault = shape.error?.senderFault === true ? 'client' : status >= 500 || shape.fault ? 'server' : 'client'
    out.push(
      `export class ${name} extends AwsError {`,
      `  constructor(message: string, fields?: ErrorFields) {`,
      `    super(${JSON.stringify(code)}, ${status}, message, { fault: '${fault}', jsonCode: ${JSON.stringify(name)}, fields })`,
      '  }',
      '}',
      '',
    )
  }
  return out.join('\n')
}
