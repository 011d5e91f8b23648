"""An S3 bucket with the protections every bucket of the exchange shares."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocumentStatement
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from infrastructure.policies import deny_insecure_transport, policy_document


class SecureBucket(Construct):
    """Versioned, encrypted, private, TLS-only, access-logged; objects move to Intelligent-Tiering.

    `key=None` means SSE-S3, for the few AWS log producers that cannot write with a KMS key.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        key: KmsKey | None,
        access_log_bucket: S3Bucket | None,
        policy_statements: Sequence[DataAwsIamPolicyDocumentStatement] = (),
        object_ownership: str = "BucketOwnerEnforced",
        expiration_days: int | None = None,
        provider: AwsProvider | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.bucket = S3Bucket(self, "bucket", bucket=name, provider=provider)
        bucket_id = self.bucket.id
        S3BucketVersioningA(
            self,
            "versioning",
            bucket=bucket_id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
            provider=provider,
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "encryption",
            bucket=bucket_id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                        sse_algorithm="aws:kms" if key is not None else "AES256",
                        kms_master_key_id=key.arn if key is not None else None,
                    ),
                    bucket_key_enabled=key is not None,
                )
            ],
            provider=provider,
        )
        S3BucketPublicAccessBlock(
            self,
            "public-access-block",
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            provider=provider,
        )
        S3BucketOwnershipControls(
            self,
            "ownership",
            bucket=bucket_id,
            rule=S3BucketOwnershipControlsRule(object_ownership=object_ownership),
            provider=provider,
        )
        S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            bucket=bucket_id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="intelligent-tiering",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    transition=[
                        S3BucketLifecycleConfigurationRuleTransition(
                            days=0, storage_class="INTELLIGENT_TIERING"
                        )
                    ],
                    expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=expiration_days)]
                    if expiration_days is not None
                    else None,
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=90
                        )
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                            days_after_initiation=7
                        )
                    ],
                )
            ],
            provider=provider,
        )
        if access_log_bucket is not None:
            S3BucketLoggingA(
                self,
                "access-logging",
                bucket=bucket_id,
                target_bucket=access_log_bucket.id,
                target_prefix=f"s3/{name}/",
                provider=provider,
            )
        S3BucketPolicy(
            self,
            "policy",
            bucket=bucket_id,
            policy=policy_document(
                self,
                "policy-document",
                [deny_insecure_transport(self.bucket.arn), *policy_statements],
            ).json,
            provider=provider,
        )
