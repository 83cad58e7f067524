// Checks the generated models through findService: integrity of every model and facts restored from botocore.
import { describe, expect, it } from 'vitest'
import { serviceNames } from '../generated/services.js'
import { findService, findServiceBySigningName } from './find-service.js'
import type { ServiceModel, Shape, ShapeRef } from './types.js'

describe('findService', () => {
  it('finds a model by its file prefix and nothing for an unknown name', () => {
    expect(findService('cognito-idp')?.metadata.protocol).toBe('json')
    expect(findService('toString')).toBeUndefined()
    expect(findService('lambda')).toBeUndefined()
  })

  it('finds a model by its SigV4 signing name', () => {
    expect(findServiceBySigningName('access-analyzer')?.name).toBe('accessanalyzer')
  })

  it.each(serviceNames.map((name) => ({ name })))('$name: every shape reference resolves', ({ name }) => {
    const model = findService(name)!
    const missing = allRefs(model).filter((ref) => !(ref.shape in model.shapes))
    expect(missing).toEqual([])
  })

  it('restores IAM constraints and error codes that the minified model strips', () => {
    const iam = findService('iam')!
    const createUser = iam.operations.CreateUser!
    expect(createUser.output?.resultWrapper).toBe('CreateUserResult')
    expect(createUser.errors).toContain('EntityAlreadyExistsException')
    const request = iam.shapes[createUser.input!.shape] as Extract<Shape, { type: 'structure' }>
    expect(request.required).toEqual(['UserName'])
    expect(iam.shapes[request.members.UserName!.shape]).toMatchObject({ type: 'string', min: 1, max: 64 })
    expect(iam.shapes.NoSuchEntityException).toMatchObject({ error: { code: 'NoSuchEntity', httpStatusCode: 404, senderFault: true } })
  })

  it('keeps EC2 query and XML names on member references', () => {
    const ec2 = findService('ec2')!
    const input = ec2.shapes[ec2.operations.DescribeInstances!.input!.shape] as Extract<Shape, { type: 'structure' }>
    expect(input.members.Filters).toMatchObject({ locationName: 'Filter' })
    expect(input.members.DryRun).toMatchObject({ locationName: 'dryRun' })
  })

  it('requires a member only when both source models do', () => {
    const iam = findService('iam')!
    const getLoginProfile = iam.shapes.GetLoginProfileRequest as Extract<Shape, { type: 'structure' }>
    expect(getLoginProfile.members.UserName).toBeDefined()
    expect(getLoginProfile.required).toBeUndefined()
  })

  it('keeps min.json\'s type where botocore disagrees, under its own name', () => {
    const s3 = findService('s3')!
    const putObject = s3.shapes.PutObjectRequest as Extract<Shape, { type: 'structure' }>
    expect(putObject.members.Expires?.shape).toBe('ExpiresTimestamp')
    expect(s3.shapes.ExpiresTimestamp?.type).toBe('timestamp')
  })

  it('marks operations AWS accepts unsigned', () => {
    expect(findService('sts')!.operations.AssumeRoleWithWebIdentity!.authtype).toBe('none')
  })
})

function allRefs(model: ServiceModel): ShapeRef[] {
  const refs: ShapeRef[] = []
  for (const operation of Object.values(model.operations)) {
    if (operation.input) refs.push(operation.input)
    if (operation.output) refs.push(operation.output)
    for (const error of operation.errors ?? []) refs.push({ shape: error })
  }
  for (const shape of Object.values(model.shapes)) {
    if (shape.type === 'structure') refs.push(...Object.values(shape.members))
    if (shape.type === 'list') refs.push(shape.member)
    if (shape.type === 'map') refs.push(shape.key, shape.value)
  }
  return refs
}
