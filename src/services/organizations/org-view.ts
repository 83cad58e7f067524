// Wire shapes of Organizations entities, built from rows in one place.
import type { Account, OrganizationalUnit, Root } from '../../generated/organizations/types.js'
import type { OrgUnitRow } from '../../storage/migrations/0012-organizations.js'
import type { OrgScope } from './org-access.js'
import type { MemberAccount } from './org-store.js'

export const ROOT_NAME = 'Root'

export function toAccountShape(scope: OrgScope, member: MemberAccount): Account {
  return {
    Id: member.accountId,
    Arn: scope.arns.account(member.accountId),
    Email: member.email,
    Name: member.name,
    Status: member.status as Account['Status'],
    JoinedMethod: member.joinedMethod as Account['JoinedMethod'],
    JoinedTimestamp: new Date(member.joinedAt),
  }
}

export function toUnitShape(scope: OrgScope, unit: OrgUnitRow): OrganizationalUnit {
  return { Id: unit.ou_id, Arn: scope.arns.ou(unit.ou_id), Name: unit.name }
}

export function toRootShape(scope: OrgScope, enabledTypes: readonly string[]): Root {
  return {
    Id: scope.org.root_id,
    Arn: scope.arns.root(scope.org.root_id),
    Name: ROOT_NAME,
    PolicyTypes: enabledTypes.map((type) => ({ Type: type as NonNullable<Root['PolicyTypes']>[number]['Type'], Status: 'ENABLED' as const })),
  }
}
