// ACLs in authorization: a bucket's or object's grants, turned into resource-policy statements the policy engine
// already evaluates beside the bucket policy (the mapping of
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#acl-access-policy-permission-mapping).
import { compilePolicy, type CompiledPolicy } from '../../../policy/index.js'
import { ALL_USERS, AUTHENTICATED_USERS, type AclGrant, type AclPermission, type StoredAcl } from './acl.js'

const BUCKET_ACTIONS: Readonly<Record<Exclude<AclPermission, 'FULL_CONTROL'>, readonly string[]>> = {
  READ: ['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads'],
  WRITE: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
  READ_ACP: ['s3:GetBucketAcl'],
  WRITE_ACP: ['s3:PutBucketAcl'],
}

const OBJECT_ACTIONS: Readonly<Record<Exclude<AclPermission, 'FULL_CONTROL'>, readonly string[]>> = {
  READ: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTorrent'],
  WRITE: [],
  READ_ACP: ['s3:GetObjectAcl', 's3:GetObjectVersionAcl'],
  WRITE_ACP: ['s3:PutObjectAcl', 's3:PutObjectVersionAcl'],
}

export interface AclPolicyOptions {
  /** IgnorePublicAcls: grants to AllUsers and AuthenticatedUsers count for nothing. */
  readonly ignorePublic: boolean
  readonly partition: string
}

/** A bucket ACL as a resource policy (bucket-level permissions on the bucket, WRITE on its objects); undefined if it grants nothing. */
export function bucketAclPolicy(bucket: string, acl: StoredAcl, options: AclPolicyOptions): CompiledPolicy | undefined {
  const bucketArn = `arn:${options.partition}:s3:::${bucket}`
  const statements = grantsOf(acl, options).flatMap((grant) => {
    const actions = actionsFor(grant.permission, BUCKET_ACTIONS)
    const write = actions.filter((action) => BUCKET_ACTIONS.WRITE.includes(action))
    const onBucket = actions.filter((action) => !BUCKET_ACTIONS.WRITE.includes(action))
    return [
      ...(onBucket.length > 0 ? [statement(grant, onBucket, bucketArn, options.partition)] : []),
      ...(write.length > 0 ? [statement(grant, write, `${bucketArn}/*`, options.partition)] : []),
    ]
  })
  return compiled(`bucket-acl:${bucket}`, statements)
}

/** An object ACL as a resource policy on that object; undefined if it grants nothing. */
export function objectAclPolicy(bucket: string, key: string, acl: StoredAcl, options: AclPolicyOptions): CompiledPolicy | undefined {
  const objectArn = `arn:${options.partition}:s3:::${bucket}/${key}`
  const statements = grantsOf(acl, options).flatMap((grant) => {
    const actions = actionsFor(grant.permission, OBJECT_ACTIONS)
    return actions.length > 0 ? [statement(grant, actions, objectArn, options.partition)] : []
  })
  return compiled(`object-acl:${bucket}/${key}`, statements)
}

function grantsOf(acl: StoredAcl, options: AclPolicyOptions): readonly AclGrant[] {
  if (!options.ignorePublic) return acl.grants
  return acl.grants.filter((grant) => !('group' in grant.grantee) || (grant.grantee.group !== ALL_USERS && grant.grantee.group !== AUTHENTICATED_USERS))
}

function actionsFor(permission: AclPermission, table: Readonly<Record<Exclude<AclPermission, 'FULL_CONTROL'>, readonly string[]>>): string[] {
  return permission === 'FULL_CONTROL' ? Object.values(table).flat() : [...table[permission]]
}

function statement(grant: AclGrant, actions: readonly string[], resource: string, partition: string): Record<string, unknown> | never[] {
  const grantee = grant.grantee
  if ('account' in grantee) {
    // A grant to an account is a grant to the account (Grant.Account): its users still need their own IAM allow.
    return { Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${grantee.account}:root` }, Action: actions, Resource: resource }
  }
  if (grantee.group === ALL_USERS) return { Effect: 'Allow', Principal: '*', Action: actions, Resource: resource }
  if (grantee.group === AUTHENTICATED_USERS) {
    // Any signed request from any account; anonymous callers carry no aws:PrincipalAccount.
    return { Effect: 'Allow', Principal: '*', Action: actions, Resource: resource, Condition: { Null: { 'aws:PrincipalAccount': 'false' } } }
  }
  return [] // LogDelivery: S3 server access logging, which Palisade does not deliver
}

function compiled(id: string, statements: readonly (Record<string, unknown> | never[])[]): CompiledPolicy | undefined {
  const real = statements.filter((entry) => !Array.isArray(entry))
  if (real.length === 0) return undefined
  return compilePolicy(id, 'resource', { Version: '2012-10-17', Statement: real })
}
