// SAML responses for AssumeRoleWithSAML: the signature verified with xml-crypto against the IdP metadata's
// certificate, and every fact read only from the XML the signature covers (never from the document around it),
// so signature-wrapping cannot smuggle in unsigned assertions.
import { createHash } from 'node:crypto'
import { DOMParser, type Element as XmlElement, type Node as XmlNode } from '@xmldom/xmldom'
import { SignedXml } from 'xml-crypto'
import { IDPRejectedClaimException, InvalidIdentityTokenException } from '../../generated/sts/errors.js'

const SAML_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol'
const SAML_ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion'
const XML_DSIG = 'http://www.w3.org/2000/09/xmldsig#'
const METADATA = 'urn:oasis:names:tc:SAML:2.0:metadata'
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success'

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html
export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role'
export const ROLE_SESSION_NAME_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName'
export const SOURCE_IDENTITY_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/SourceIdentity'
const PRINCIPAL_TAG_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:'
const TRANSITIVE_TAG_KEYS_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys'

/** What AssumeRoleWithSAML uses of an assertion. */
export interface SamlAssertion {
  readonly issuer: string
  readonly subject: string
  /** The NameID Format (`urn:oasis:names:tc:SAML:2.0:nameid-format:persistent`), if any. */
  readonly subjectFormat?: string
  readonly audiences: readonly string[]
  /** SubjectConfirmationData Recipient (saml:aud). */
  readonly recipient?: string
  readonly notBefore?: Date
  readonly notOnOrAfter?: Date
  /** AuthnStatement SessionNotOnOrAfter: the session may not outlive it. */
  readonly sessionNotOnOrAfter?: Date
  readonly attributes: Readonly<Record<string, readonly string[]>>
}

/** The assertion as sent, unverified: for the authorization entry's condition keys only. */
export function unverifiedAssertion(samlResponse: string): SamlAssertion | undefined {
  try {
    const document = parseXml(Buffer.from(samlResponse, 'base64').toString('utf8'))
    const assertions = elementsNamed(document.documentElement!, SAML_ASSERTION, 'Assertion')
    return assertions.length === 1 ? readAssertion(assertions[0]!) : undefined
  } catch {
    return undefined
  }
}

/**
 * Verifies the response's one signature (on the Response or on its Assertion) with one of the IdP's certificates,
 * and reads the assertion from the signed XML. InvalidIdentityToken for anything malformed, unsigned, signed by
 * another key, or holding more than one assertion; IDPRejectedClaim when the IdP reported a failure.
 */
export function verifiedAssertion(samlResponse: string, certificates: readonly string[]): SamlAssertion {
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8')
  let document
  try {
    document = parseXml(xml)
  } catch {
    throw invalid('Invalid SAML response: not well-formed XML')
  }
  const root = document.documentElement
  if (!root || root.namespaceURI !== SAML_PROTOCOL || root.localName !== 'Response') throw invalid('Invalid SAML response: no samlp:Response')
  // INVARIANT: one assertion in the whole document; a second one (anywhere) is how signature wrapping starts.
  if (elementsNamed(root, SAML_ASSERTION, 'Assertion').length !== 1) throw invalid('Invalid SAML response: expected exactly one Assertion')
  const signatures = elementsNamed(root, XML_DSIG, 'Signature')
  if (signatures.length !== 1) throw invalid('Invalid SAML response: expected exactly one Signature')
  const signature = signatures[0]!
  const signedElement = signature.parentNode as XmlElement | null
  if (!signedElement || !(signedElement === root || (isElement(signedElement, SAML_ASSERTION, 'Assertion') && signedElement.parentNode === root))) {
    throw invalid('Invalid SAML response: the Signature must sign the Response or its Assertion')
  }
  const signedXml = certificates.map((certificate) => checkedReference(xml, signature, certificate)).find((signed) => signed !== undefined)
  if (signedXml === undefined) throw invalid('Invalid SAML response: signature validation failed')
  const signedRoot = parseXml(signedXml).documentElement!
  const status = isElement(signedRoot, SAML_PROTOCOL, 'Response') ? childrenNamed(signedRoot, SAML_PROTOCOL, 'Status')[0] : undefined
  const statusCode = status && childrenNamed(status, SAML_PROTOCOL, 'StatusCode')[0]?.getAttribute('Value')
  if (statusCode && statusCode !== SUCCESS) throw new IDPRejectedClaimException(`The identity provider rejected the authentication: ${statusCode}`)
  const assertion = isElement(signedRoot, SAML_ASSERTION, 'Assertion') ? signedRoot : childrenNamed(signedRoot, SAML_ASSERTION, 'Assertion')[0]
  if (!assertion) throw invalid('Invalid SAML response: the signed XML holds no Assertion')
  return readAssertion(assertion)
}

/** The signing certificates (PEM) an IdP's metadata publishes, for KeyDescriptors not limited to encryption. */
export function metadataCertificates(metadata: string): string[] {
  const root = parseXml(metadata).documentElement!
  const pems: string[] = []
  for (const descriptor of elementsNamed(root, METADATA, 'KeyDescriptor')) {
    if (descriptor.getAttribute('use') === 'encryption') continue
    for (const certificate of elementsNamed(descriptor, XML_DSIG, 'X509Certificate')) {
      const body = (certificate.textContent ?? '').replace(/\s+/g, '')
      if (body !== '') pems.push(`-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`)
    }
  }
  return pems
}

/**
 * Session tags a SAML IdP passes: one `PrincipalTag:KEY` attribute per tag, and `TransitiveTagKeys`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-saml).
 */
export function samlTags(assertion: SamlAssertion): { Tags?: { Key: string; Value: string }[]; TransitiveTagKeys?: string[] } {
  const Tags = Object.entries(assertion.attributes)
    .filter(([name, values]) => name.startsWith(PRINCIPAL_TAG_ATTRIBUTE) && values[0] !== undefined)
    .map(([name, values]) => ({ Key: name.slice(PRINCIPAL_TAG_ATTRIBUTE.length), Value: values[0]! }))
  const TransitiveTagKeys = [...(assertion.attributes[TRANSITIVE_TAG_KEYS_ATTRIBUTE] ?? [])]
  return { ...(Tags.length > 0 && { Tags }), ...(TransitiveTagKeys.length > 0 && { TransitiveTagKeys }) }
}

/** saml:namequalifier: BASE64(SHA1(issuer + account id + "/" + provider name)) (IAM's SAML condition keys reference). */
export function nameQualifier(issuer: string, accountId: string, providerName: string): string {
  return createHash('sha1').update(`${issuer}${accountId}/${providerName}`).digest('base64')
}

/** `urn:oasis:names:tc:SAML:2.0:nameid-format:persistent` → `persistent`, as saml:sub_type and SubjectType give it. */
export function subjectType(format: string | undefined): string {
  if (format === undefined) return 'persistent'
  const short = /^urn:oasis:names:tc:SAML:2\.0:nameid-format:(persistent|transient)$/.exec(format)
  return short ? short[1]! : format
}

/** The canonical XML of the one element the signature references, when the signature is valid for it. */
function checkedReference(xml: string, signature: XmlElement, certificate: string): string | undefined {
  try {
    // The IdP's certificate comes from its metadata only: a certificate inside the response's KeyInfo proves nothing.
    const verifier = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null })
    verifier.loadSignature(signature.toString())
    if (!verifier.checkSignature(xml)) return undefined
    const references = verifier.getSignedReferences()
    return references.length === 1 ? references[0] : undefined
  } catch {
    return undefined
  }
}

function readAssertion(assertion: XmlElement): SamlAssertion {
  const text = (element: XmlElement | undefined) => (element?.textContent ?? '').trim()
  const issuer = text(childrenNamed(assertion, SAML_ASSERTION, 'Issuer')[0])
  const subjectElement = childrenNamed(assertion, SAML_ASSERTION, 'Subject')[0]
  const nameId = subjectElement && childrenNamed(subjectElement, SAML_ASSERTION, 'NameID')[0]
  const confirmation = subjectElement && elementsNamed(subjectElement, SAML_ASSERTION, 'SubjectConfirmationData')[0]
  const conditions = childrenNamed(assertion, SAML_ASSERTION, 'Conditions')[0]
  const audiences = conditions ? elementsNamed(conditions, SAML_ASSERTION, 'Audience').map((audience) => text(audience)) : []
  const authn = childrenNamed(assertion, SAML_ASSERTION, 'AuthnStatement')[0]
  const attributes: Record<string, string[]> = {}
  for (const attribute of elementsNamed(assertion, SAML_ASSERTION, 'Attribute')) {
    const name = attribute.getAttribute('Name')
    if (name) attributes[name] = [...(attributes[name] ?? []), ...childrenNamed(attribute, SAML_ASSERTION, 'AttributeValue').map((value) => text(value))]
  }
  const notOnOrAfter = earliest(dateAttribute(conditions, 'NotOnOrAfter'), dateAttribute(confirmation, 'NotOnOrAfter'))
  const notBefore = dateAttribute(conditions, 'NotBefore')
  const sessionNotOnOrAfter = dateAttribute(authn, 'SessionNotOnOrAfter')
  const format = nameId?.getAttribute('Format') ?? undefined
  const recipient = confirmation?.getAttribute('Recipient') ?? undefined
  return {
    issuer,
    subject: text(nameId),
    ...(format && { subjectFormat: format }),
    audiences,
    ...(recipient && { recipient }),
    ...(notBefore && { notBefore }),
    ...(notOnOrAfter && { notOnOrAfter }),
    ...(sessionNotOnOrAfter && { sessionNotOnOrAfter }),
    attributes,
  }
}

function parseXml(xml: string) {
  return new DOMParser({ onError: (level, message) => { if (level !== 'warning') throw new Error(message) } }).parseFromString(xml, 'text/xml')
}

function invalid(message: string): InvalidIdentityTokenException {
  return new InvalidIdentityTokenException(message)
}

function isElement(node: XmlNode, namespace: string, localName: string): node is XmlElement {
  return node.nodeType === 1 && (node as XmlElement).namespaceURI === namespace && (node as XmlElement).localName === localName
}

/** Every descendant element with that name, in document order. */
function elementsNamed(root: XmlElement, namespace: string, localName: string): XmlElement[] {
  return Array.from(root.getElementsByTagNameNS(namespace, localName))
}

function childrenNamed(parent: XmlElement, namespace: string, localName: string): XmlElement[] {
  return Array.from(parent.childNodes).filter((node): node is XmlElement => isElement(node, namespace, localName))
}

function dateAttribute(element: XmlElement | undefined, name: string): Date | undefined {
  const value = element?.getAttribute(name)
  if (!value) return undefined
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) throw invalid(`Invalid SAML response: ${name} is not a date`)
  return date
}

function earliest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b
  if (!b) return a
  return a.getTime() <= b.getTime() ? a : b
}
