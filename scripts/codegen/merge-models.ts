// Builds our compact ServiceModel by walking aws-sdk's minified model and botocore's original in parallel.
// The minified model decides which operations, members and types exist; botocore restores what minification
// strips (shape names, min/max/pattern/enum, operation errors, error codes). Every disagreement is reported.
import type { OperationModel, ServiceMetadata, ServiceModel, Shape, ShapeRef } from '../../src/model/types.js'
import type { SourceModel, SourceNode, SourcePair } from './source-models.js'

export interface MergeResult {
  readonly model: ServiceModel
  /** Human-readable lines, one per disagreement between the two source models. */
  readonly disagreements: readonly string[]
}

export function mergeModels(pair: SourcePair): MergeResult {
  return new ModelMerger(pair).merge()
}

// Traits that belong to a member reference (botocore's member form), in the order we write them.
const REF_TRAITS = [
  'location', 'locationName', 'queryName', 'xmlNamespace', 'xmlAttribute', 'flattened', 'timestampFormat',
  'idempotencyToken', 'jsonvalue', 'hostLabel', 'streaming', 'deprecated',
] as const

// Shape-level traits we keep, per type, in the order we write them.
const SHAPE_TRAITS: Record<Shape['type'], readonly string[]> = {
  structure: [
    'required', 'payload', 'locationName', 'xmlNamespace', 'exception', 'error', 'fault', 'union', 'event',
    'eventstream', 'sensitive',
  ],
  list: ['flattened', 'min', 'max', 'sensitive'],
  map: ['flattened', 'min', 'max', 'sensitive'],
  string: ['min', 'max', 'pattern', 'enum', 'sensitive'],
  integer: ['min', 'max', 'box', 'sensitive'],
  long: ['min', 'max', 'box', 'sensitive'],
  float: ['min', 'max', 'box', 'sensitive'],
  double: ['min', 'max', 'box', 'sensitive'],
  bigdecimal: ['min', 'max', 'box', 'sensitive'],
  boolean: ['sensitive'],
  timestamp: ['timestampFormat', 'sensitive'],
  blob: ['min', 'max', 'streaming', 'requiresLength', 'sensitive'],
}

// Shape-level traits the minified model keeps, so a difference there is a real disagreement.
const MIN_KEEPS = new Set(['required', 'payload', 'flattened', 'timestampFormat', 'union', 'streaming', 'event', 'eventstream', 'sensitive'])

// Traits that can sit on a shape or on a reference; an inline minified shape mixes both, so it cannot tell us which.
const AMBIGUOUS = new Set(['locationName', 'xmlNamespace', 'flattened', 'timestampFormat', 'streaming'])

class ModelMerger {
  private readonly min: SourceModel
  private readonly boto: SourceModel
  private readonly shapes = new Map<string, Shape>()
  /** Emitted shape name → member names seen from the minified side, to spot one name used two ways. */
  private readonly memberSets = new Map<string, string>()
  private readonly disagreements: string[] = []

  constructor(private readonly pair: SourcePair) {
    this.min = pair.min
    this.boto = pair.botocore
  }

  merge(): MergeResult {
    const operations: Record<string, OperationModel> = {}
    for (const name of Object.keys(this.min.operations).sort()) {
      operations[name] = this.operation(name, this.min.operations[name]!, this.boto.operations[name])
    }
    for (const name of Object.keys(this.boto.operations).sort()) {
      if (!(name in this.min.operations)) this.disagree(`operation ${name}: only in botocore (not generated)`)
    }
    // Every modelled error, referenced or not, so services can throw it.
    for (const [name, shape] of Object.entries(this.boto.shapes)) {
      if (shape.exception) this.shapeFor(undefined, name, name, `error ${name}`)
    }
    const shapes: Record<string, Shape> = {}
    for (const name of [...this.shapes.keys()].sort()) shapes[name] = this.shapes.get(name)!
    return {
      model: { name: this.pair.service, metadata: this.metadata(), operations, shapes },
      disagreements: this.disagreements,
    }
  }

  private metadata(): ServiceMetadata {
    const meta = { ...this.boto.metadata, ...this.min.metadata } as Record<string, any>
    for (const key of ['protocol', 'apiVersion', 'endpointPrefix', 'signingName', 'jsonVersion', 'targetPrefix', 'xmlNamespace']) {
      const fromMin = this.min.metadata[key]
      const fromBoto = this.boto.metadata[key]
      if (fromMin !== undefined && fromBoto !== undefined && fromMin !== fromBoto) {
        this.disagree(`metadata.${key}: min.json ${JSON.stringify(fromMin)} vs botocore ${JSON.stringify(fromBoto)}`)
      }
    }
    return compact({
      protocol: meta.protocol,
      apiVersion: meta.apiVersion,
      endpointPrefix: meta.endpointPrefix,
      signingName: meta.signingName ?? meta.endpointPrefix,
      serviceId: meta.serviceId,
      jsonVersion: meta.jsonVersion,
      targetPrefix: meta.targetPrefix,
      xmlNamespace: typeof meta.xmlNamespace === 'string' ? meta.xmlNamespace : meta.xmlNamespace?.uri,
      globalEndpoint: meta.globalEndpoint,
    }) as unknown as ServiceMetadata
  }

  private operation(name: string, min: SourceNode, boto: SourceNode | undefined): OperationModel {
    const where = `operation ${name}`
    if (!boto) this.disagree(`${where}: only in aws-sdk min.json`)
    // aws-sdk's minifier drops `method` and `requestUri` when they are its defaults, POST and /.
    const http = min.http ? { method: 'POST', requestUri: '/', ...min.http } : boto?.http ?? { method: 'POST', requestUri: '/' }
    if (min.http && boto?.http) {
      for (const key of ['method', 'requestUri', 'responseCode']) {
        if (http[key] !== boto.http[key]) {
          this.disagree(`${where}: http.${key} min.json ${JSON.stringify(http[key])} vs botocore ${JSON.stringify(boto.http[key])}`)
        }
      }
    }
    const input = min.input ? this.ref(min.input, boto?.input, `${name}Request`, `${where} input`) : undefined
    if (!min.input && boto?.input) this.disagree(`${where}: input only in botocore`)
    let output: OperationModel['output']
    if (min.output) {
      const ref = this.ref(min.output, boto?.output, `${name}Response`, `${where} output`)
      const resultWrapper = min.output.resultWrapper ?? boto?.output?.resultWrapper
      output = resultWrapper ? { ...ref, resultWrapper } : ref
    } else if (boto?.output) {
      this.disagree(`${where}: output only in botocore`)
    }
    const errors = ((boto?.errors ?? []) as SourceNode[]).map((error) => {
      return this.shapeFor(undefined, error.shape as string, error.shape as string, `${where} error`)
    })
    const auth = boto?.auth as string[] | undefined
    const authtype = min.authtype ?? boto?.authtype ?? (auth?.length === 1 && auth[0] === 'smithy.api#noAuth' ? 'none' : undefined)
    const checksum = min.httpChecksumRequired ?? boto?.httpChecksumRequired ?? boto?.httpChecksum?.requestChecksumRequired
    return compact({
      name,
      http: compact({ method: http.method, requestUri: http.requestUri, responseCode: http.responseCode }),
      input,
      output,
      errors: errors.length > 0 ? errors : undefined,
      authtype,
      httpChecksumRequired: checksum === true ? true : undefined,
    }) as unknown as OperationModel
  }

  /** Merges one member reference: its target shape (emitted under its botocore name) and its reference traits. */
  private ref(min: SourceNode | undefined, boto: SourceNode | undefined, hint: string, where: string): ShapeRef {
    const shape = this.shapeFor(min, boto?.shape as string | undefined, hint, where)
    const target = this.shapes.get(shape) as Record<string, unknown> | undefined
    const out: Record<string, unknown> = { shape }
    for (const trait of REF_TRAITS) {
      const fromBoto = boto?.[trait]
      let fromMin = min?.[trait]
      // An inline minified shape carries its own shape-level traits next to the reference's; those stay on the shape.
      if (min && !min.shape && fromMin !== undefined && target?.[trait] !== undefined) fromMin = undefined
      if (min && boto && !sameJson(fromMin, fromBoto) && !(fromMin === undefined && target?.[trait] !== undefined)) {
        this.disagree(`${where}: ${trait} min.json ${JSON.stringify(fromMin)} vs botocore ${JSON.stringify(fromBoto)}`)
      }
      const value = min ? fromMin ?? fromBoto : fromBoto
      if (value !== undefined && !(value === false && trait !== 'xmlAttribute')) out[trait] = value
    }
    return out as unknown as ShapeRef
  }

  /** Returns the name the merged shape is emitted under, emitting it (and what it references) on first sight. */
  private shapeFor(minRef: SourceNode | undefined, botoName: string | undefined, hint: string, where: string): string {
    const min = minRef === undefined ? undefined : minRef.shape ? this.min.shapes[minRef.shape as string] : minRef
    if (minRef?.shape && !min) throw new Error(`${this.pair.minFile}: dangling shape ${minRef.shape}`)
    const boto = botoName === undefined ? undefined : this.boto.shapes[botoName]
    if (botoName !== undefined && !boto) throw new Error(`${this.pair.botocoreFile}: dangling shape ${botoName}`)
    const minType = min ? minShapeType(min) : undefined
    const botoType = boto ? normalizeType(boto.type as string) : undefined

    let name: string
    let useBoto = boto !== undefined
    if (min && boto && minType !== botoType) {
      // One name per (botocore shape, minified type), so every use of the same conflict shares a shape.
      name = `${botoName}${minType!.charAt(0).toUpperCase()}${minType!.slice(1)}`
      if (name in this.boto.shapes) name = this.freshName(name)
      this.disagree(`${where}: type min.json ${minType} vs botocore ${botoType} (${botoName}); kept min.json's as ${name}`)
      useBoto = false
    } else if (boto) {
      name = botoName!
    } else {
      if (!min) throw new Error(`bug: nothing to merge at ${where}`)
      name = this.freshName(hint)
    }

    if (this.shapes.has(name)) {
      if (min && minType === 'structure') this.checkSameMembers(name, min, where)
      return name
    }
    const type = (useBoto ? botoType : minType) as Shape['type']
    const shape: Record<string, unknown> = { type }
    this.shapes.set(name, shape as unknown as Shape) // before recursing: shapes can be recursive
    if (min && type === 'structure') this.memberSets.set(name, memberKey(min))

    for (const trait of SHAPE_TRAITS[type]) {
      const fromBoto = useBoto ? boto![trait] : undefined
      const fromMin = minRef && !minRef.shape && AMBIGUOUS.has(trait) && useBoto ? undefined : min?.[trait]
      if (min && useBoto && MIN_KEEPS.has(trait) && trait !== 'required' && fromMin !== undefined && !sameJson(fromMin, fromBoto)) {
        this.disagree(`${where} (${name}): ${trait} min.json ${JSON.stringify(fromMin)} vs botocore ${JSON.stringify(fromBoto)}`)
      }
      const value = min && MIN_KEEPS.has(trait) && trait !== 'required' ? fromMin ?? fromBoto : fromBoto ?? fromMin
      if (value !== undefined && value !== false) shape[trait] = value
    }
    if (type === 'structure') {
      if (min) shape.required = min.required
      if (min && useBoto && !sameJson([...(min.required ?? [])].sort(), [...(boto!.required ?? [])].sort())) {
        // AWS only ever relaxes a requirement (making a member required would break existing callers), so a member
        // one model requires and the other does not is optional: current SDKs omit it (e.g. IAM GetLoginProfile's
        // UserName since root credential management).
        const botoRequired = new Set<string>(boto!.required ?? [])
        shape.required = ((min.required ?? []) as string[]).filter((member) => botoRequired.has(member))
        this.disagree(
          `${where} (${name}): required min.json ${JSON.stringify(min.required ?? [])} vs botocore ${JSON.stringify(boto!.required ?? [])}; ` +
            `kept ${JSON.stringify(shape.required)}`,
        )
      }
      if (shape.required === undefined || (shape.required as unknown[]).length === 0) delete shape.required
      shape.error = shape.error ? compact({ code: (shape.error as any).code, httpStatusCode: (shape.error as any).httpStatusCode, senderFault: (shape.error as any).senderFault }) : undefined
      if (shape.error === undefined) delete shape.error
      if (typeof shape.xmlNamespace === 'string') shape.xmlNamespace = { uri: shape.xmlNamespace }
      shape.members = this.members(name, min, useBoto ? boto : undefined, where)
      reorder(shape, ['type', 'members', ...SHAPE_TRAITS.structure])
    } else if (type === 'list') {
      shape.member = this.ref(min?.member, useBoto ? boto!.member : undefined, `${name}Member`, `${where} (${name}) member`)
      reorder(shape, ['type', 'member', ...SHAPE_TRAITS.list])
    } else if (type === 'map') {
      shape.key = this.ref(min ? min.key ?? {} : undefined, useBoto ? boto!.key : undefined, `${name}Key`, `${where} (${name}) key`)
      shape.value = this.ref(min ? min.value ?? {} : undefined, useBoto ? boto!.value : undefined, `${name}Value`, `${where} (${name}) value`)
      reorder(shape, ['type', 'key', 'value', ...SHAPE_TRAITS.map])
    }
    return name
  }

  private members(name: string, min: SourceNode | undefined, boto: SourceNode | undefined, where: string): Record<string, ShapeRef> {
    const out: Record<string, ShapeRef> = {}
    const source = min ? min.members ?? {} : boto!.members ?? {}
    for (const [member, minRef] of Object.entries(source as Record<string, SourceNode>)) {
      const botoRef = (min ? boto?.members?.[member] : minRef) as SourceNode | undefined
      if (min && boto && !botoRef) this.disagree(`${where} (${name}).${member}: only in aws-sdk min.json`)
      out[member] = this.ref(min ? minRef : undefined, botoRef, `${name}${member}`, `${name}.${member}`)
    }
    if (min && boto) {
      for (const member of Object.keys(boto.members ?? {})) {
        if (!(member in (min.members ?? {}))) this.disagree(`${where} (${name}).${member}: only in botocore (not generated)`)
      }
    }
    return out
  }

  private checkSameMembers(name: string, min: SourceNode, where: string): void {
    const seen = this.memberSets.get(name)
    const now = memberKey(min)
    if (seen !== undefined && seen !== now) this.disagree(`${where} (${name}): min.json uses this shape with different members`)
  }

  private freshName(hint: string): string {
    let name = hint
    for (let n = 2; this.shapes.has(name) || name in this.boto.shapes; n++) name = `${hint}${n}`
    return name
  }

  private disagree(line: string): void {
    this.disagreements.push(line)
  }
}

function minShapeType(shape: SourceNode): string {
  if (shape.type) return normalizeType(shape.type as string)
  if (shape.members) return 'structure'
  if (shape.member) return 'list'
  if (shape.key) return 'map'
  return 'string'
}

function normalizeType(type: string): string {
  return type === 'character' ? 'string' : type
}

function memberKey(shape: SourceNode): string {
  return Object.keys(shape.members ?? {}).join(',')
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

function compact<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key]
  return value
}

/** Rewrites `object`'s keys in `order` (then any others), so the generated text never depends on discovery order. */
function reorder(object: Record<string, unknown>, order: readonly string[]): void {
  const entries = Object.entries(object)
  for (const key of Object.keys(object)) delete object[key]
  for (const key of order) {
    const entry = entries.find(([k]) => k === key)
    if (entry && entry[1] !== undefined) object[key] = entry[1]
  }
  for (const [key, value] of entries) if (!order.includes(key) && value !== undefined) object[key] = value
}
