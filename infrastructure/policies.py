"""IAM policy documents built as data, so tests and scanners read statements, not strings."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from constructs import Construct


def allow(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[str] | None,
    *,
    service: str | None = None,
    aws: str | None = None,
    conditions: Sequence[tuple[str, str, Sequence[str]]] = (),
) -> DataAwsIamPolicyDocumentStatement:
    """One Allow statement; `service`/`aws` name the principal when the policy is a resource's."""
    principals = []
    if service is not None:
        principals.append(
            DataAwsIamPolicyDocumentStatementPrincipals(type="Service", identifiers=[service])
        )
    if aws is not None:
        principals.append(
            DataAwsIamPolicyDocumentStatementPrincipals(type="AWS", identifiers=[aws])
        )
    return DataAwsIamPolicyDocumentStatement(
        sid=sid,
        effect="Allow",
        actions=list(actions),
        resources=list(resources) if resources is not None else None,
        principals=principals or None,
        condition=[
            DataAwsIamPolicyDocumentStatementCondition(
                test=test, variable=variable, values=list(values)
            )
            for test, variable, values in conditions
        ]
        or None,
    )


def deny_insecure_transport(bucket_arn: str) -> DataAwsIamPolicyDocumentStatement:
    return DataAwsIamPolicyDocumentStatement(
        sid="DenyInsecureTransport",
        effect="Deny",
        actions=["s3:*"],
        resources=[bucket_arn, f"{bucket_arn}/*"],
        principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="*", identifiers=["*"])],
        condition=[
            DataAwsIamPolicyDocumentStatementCondition(
                test="Bool", variable="aws:SecureTransport", values=["false"]
            )
        ],
    )


def assume_role_policy(scope: Construct, id_: str, service: str) -> DataAwsIamPolicyDocument:
    return DataAwsIamPolicyDocument(
        scope, id_, statement=[allow("AssumeRole", ["sts:AssumeRole"], None, service=service)]
    )


def policy_document(
    scope: Construct, id_: str, statements: Sequence[DataAwsIamPolicyDocumentStatement]
) -> DataAwsIamPolicyDocument:
    return DataAwsIamPolicyDocument(scope, id_, statement=list(statements))
