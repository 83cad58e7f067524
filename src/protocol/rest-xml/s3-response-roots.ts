// The root element names S3 gives response bodies that have no payload member. AWS's botocore/aws-sdk models omit
// them (the Smithy model carries them as @xmlName); each is the name in the operation's "Response Syntax" in the
// S3 API reference, e.g. https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html.
// Operations not listed here fall back to the output shape's name, Smithy's default for restXml.

export const S3_RESPONSE_ROOTS: Readonly<Record<string, string>> = {
  CompleteMultipartUpload: 'CompleteMultipartUploadResult',
  CreateMultipartUpload: 'InitiateMultipartUploadResult',
  CreateSession: 'CreateSessionResult',
  DeleteObjects: 'DeleteResult',
  GetBucketAccelerateConfiguration: 'AccelerateConfiguration',
  GetBucketAcl: 'AccessControlPolicy',
  GetBucketCors: 'CORSConfiguration',
  GetBucketLifecycleConfiguration: 'LifecycleConfiguration',
  GetBucketLocation: 'LocationConstraint',
  GetBucketLogging: 'BucketLoggingStatus',
  GetBucketNotificationConfiguration: 'NotificationConfiguration',
  GetBucketRequestPayment: 'RequestPaymentConfiguration',
  GetBucketTagging: 'Tagging',
  GetBucketVersioning: 'VersioningConfiguration',
  GetBucketWebsite: 'WebsiteConfiguration',
  GetObjectAcl: 'AccessControlPolicy',
  GetObjectAttributes: 'GetObjectAttributesResponse',
  GetObjectTagging: 'Tagging',
  ListBuckets: 'ListAllMyBucketsResult',
  ListDirectoryBuckets: 'ListAllMyDirectoryBucketsResult',
  ListMultipartUploads: 'ListMultipartUploadsResult',
  ListObjectVersions: 'ListVersionsResult',
  ListObjects: 'ListBucketResult',
  ListObjectsV2: 'ListBucketResult',
  ListParts: 'ListPartsResult',
}
