// npm run codegen: AWS service models (aws-sdk min.json + botocore) → src/generated/<service>/{model,types,errors,api}.ts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ServiceModel } from '../../src/model/types.js'
import { applyJsonPatch, type PatchOperation } from '../../src/model/json-patch.js'
import { mergeModels } from './merge-models.js'
import { renderApi } from './render-api.js'
import { renderErrors } from './render-errors.js'
import { renderModel } from './render-model.js'
import { renderServices } from './render-services.js'
import { renderTypes } from './render-types.js'
import { findBotocoreData, readSourcePair, type SourcePair } from './source-models.js'

/** The services Palisade implements, by their model file prefix. */
export const SERVICES = [
  'iam', 'sts', 'organizations', 'kms', 's3', 'cloudtrail', 'config', 'guardduty', 'wafv2', 'shield', 'inspector2',
  'artifact', 'accessanalyzer', 'support', 'ec2', 'cognito-idp', 'acm', 's3control',
] as const

/**
 * Services generated with only some of their operations: S3 Control is here for the account-level Block Public
 * Access; its other ninety operations (access points, batch jobs, Storage Lens) are not part of Palisade.
 */
const OPERATION_SUBSETS: Readonly<Partial<Record<(typeof SERVICES)[number], readonly string[]>>> = {
  s3control: ['GetPublicAccessBlock', 'PutPublicAccessBlock', 'DeletePublicAccessBlock'],
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const generated = join(root, 'src', 'generated')
const patches = join(root, 'src', 'model', 'patches')

function main(): void {
  const verbose = process.argv.includes('--verbose')
  // --check writes nothing and fails when a generated file differs from what the models give (CI's staleness check).
  const check = process.argv.includes('--check')
  const stale: string[] = []
  const emit = (file: string, text: string): void => {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined
    if (current === text) return
    if (check) stale.push(relative(root, file))
    else writeFileSync(file, text)
  }
  const botocoreData = findBotocoreData()
  console.log(`botocore models: ${botocoreData}`)
  for (const service of SERVICES) {
    const pair = onlyOperations(readSourcePair(service, botocoreData), OPERATION_SUBSETS[service])
    const { model, disagreements } = mergeModels(pair)
    const patched = applyPatches(model)
    const sources = `aws-sdk ${basename(pair.minFile)} + botocore ${service}/${pair.apiVersion}`
    const dir = join(generated, service)
    if (!check) mkdirSync(dir, { recursive: true })
    emit(join(dir, 'model.ts'), renderModel(patched, sources))
    emit(join(dir, 'types.ts'), renderTypes(patched))
    emit(join(dir, 'errors.ts'), renderErrors(patched))
    emit(join(dir, 'api.ts'), renderApi(patched))
    console.log(
      `${service}: ${Object.keys(patched.operations).length} operations, ${Object.keys(patched.shapes).length} shapes, ` +
        `${disagreements.length} disagreements between min.json and botocore`,
    )
    reportDisagreements(service, disagreements, verbose)
  }
  emit(join(generated, 'services.ts'), renderServices(SERVICES))
  if (stale.length > 0) {
    console.error(`stale generated files (run npm run codegen): ${stale.join(', ')}`)
    process.exitCode = 1
  }
}

/** The pair with its operations cut down to `names` (both models, so they still agree), or as read. */
function onlyOperations(pair: SourcePair, names: readonly string[] | undefined): SourcePair {
  if (!names) return pair
  const pick = (operations: SourcePair['min']['operations']) => Object.fromEntries(names.map((name) => [name, operations[name]!]))
  return { ...pair, min: { ...pair.min, operations: pick(pair.min.operations) }, botocore: { ...pair.botocore, operations: pick(pair.botocore.operations) } }
}

function applyPatches(model: ServiceModel): ServiceModel {
  const file = join(patches, `${model.name}.json`)
  if (!existsSync(file)) return model
  const patch = JSON.parse(readFileSync(file, 'utf8')) as PatchOperation[]
  console.log(`${model.name}: applying ${patch.length} patch operations from ${file}`)
  return applyJsonPatch(model, patch)
}

// Groups the disagreements by kind so a newer botocore (hundreds of extra operations) stays readable;
// --verbose prints every line.
function reportDisagreements(service: string, lines: readonly string[], verbose: boolean): void {
  const onlyInBotocore = lines.filter((line) => /^operation \S+: only in botocore/.test(line))
  const others = lines.filter((line) => !onlyInBotocore.includes(line))
  if (onlyInBotocore.length > 0) {
    const names = onlyInBotocore.map((line) => line.split(' ')[1]!.slice(0, -1))
    console.log(`  operations only in botocore (newer than aws-sdk v2; not generated): ${names.join(', ')}`)
  }
  const shown = verbose ? others : others.slice(0, 25)
  for (const line of shown) console.log(`  ${line}`)
  if (shown.length < others.length) console.log(`  … and ${others.length - shown.length} more (run with --verbose)`)
}

main()
