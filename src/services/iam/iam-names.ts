// IAM names and ARNs: case-insensitive name keys and the ARN forms of every IAM entity.

/** The key that carries a name's uniqueness: IAM names are unique without regard to case. */
export function nameKey(name: string): string {
  return name.toLowerCase()
}

export type IamResourceKind = 'user' | 'group' | 'role' | 'policy' | 'instance-profile' | 'mfa' | 'oidc-provider' | 'saml-provider' | 'server-certificate'

/** `arn:aws:iam::123456789012:user/division/Alice`; `path` starts and ends with `/`. */
export function iamArn(partition: string, accountId: string, kind: IamResourceKind, path: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:${kind}${path}${name}`
}

/** The default for every optional Path parameter. */
export const ROOT_PATH = '/'
