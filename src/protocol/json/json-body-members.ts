// jsonBodyMembers: a structure's members that travel in the JSON body, with their wire keys, computed once per shape.
import type { ShapeRef, StructureShape } from '../../model/types.js'

export interface JsonBodyMember {
  /** The member name, as the decoded input and the handler's output spell it. */
  readonly name: string
  /** The JSON key: the member's locationName when it has one (GuardDuty's `detectorId` for `DetectorId`). */
  readonly key: string
  readonly ref: ShapeRef
}

const cache = new WeakMap<StructureShape, readonly JsonBodyMember[]>()

/** The members without an HTTP binding (`location`): the rest travel in the URI, query string or headers. */
export function jsonBodyMembers(shape: StructureShape): readonly JsonBodyMember[] {
  let members = cache.get(shape)
  if (!members) {
    members = Object.entries(shape.members)
      .filter(([, ref]) => ref.location === undefined)
      .map(([name, ref]) => ({ name, key: ref.locationName ?? name, ref }))
    cache.set(shape, members)
  }
  return members
}
