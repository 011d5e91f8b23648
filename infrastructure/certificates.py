"""TLS certificates for the environment's host names, validated through its Route 53 zone."""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.acm_certificate_validation import AcmCertificateValidation
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.route53_record import Route53Record, Route53RecordAlias
from constructs import Construct


class Certificate(Construct):
    """A certificate for one host name; `arn` is usable only once DNS validation has passed."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        host_name: str,
        hosted_zone_id: str,
        provider: AwsProvider | None = None,
    ) -> None:
        super().__init__(scope, id_)
        certificate = AcmCertificate(
            self,
            "certificate",
            domain_name=host_name,
            validation_method="DNS",
            key_algorithm="EC_prime256v1",
            # A replaced certificate stays in use until its successor is issued.
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
            provider=provider,
        )
        option = certificate.domain_validation_options.get(0)
        record = Route53Record(
            self,
            "validation-record",
            zone_id=hosted_zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=300,
        )
        validation = AcmCertificateValidation(
            self,
            "validation",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            provider=provider,
        )
        self.arn = validation.certificate_arn


def alias_record(
    scope: Construct, id_: str, *, hosted_zone_id: str, name: str, target: str, target_zone: str
) -> Route53Record:
    return Route53Record(
        scope,
        id_,
        zone_id=hosted_zone_id,
        name=name,
        type="A",
        alias=Route53RecordAlias(name=target, zone_id=target_zone, evaluate_target_health=True),
    )
