"""CloudFront serving the static assets (the trading page's scripts and styles) from a private,
encrypted bucket."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudfront_distribution import (
    CloudfrontDistribution,
    CloudfrontDistributionDefaultCacheBehavior,
    CloudfrontDistributionOrigin,
    CloudfrontDistributionRestrictions,
    CloudfrontDistributionRestrictionsGeoRestriction,
    CloudfrontDistributionViewerCertificate,
)
from cdktf_cdktf_provider_aws.cloudfront_origin_access_control import (
    CloudfrontOriginAccessControl,
)
from cdktf_cdktf_provider_aws.cloudfront_response_headers_policy import (
    CloudfrontResponseHeadersPolicy,
    CloudfrontResponseHeadersPolicyCorsConfig,
    CloudfrontResponseHeadersPolicyCorsConfigAccessControlAllowHeaders,
    CloudfrontResponseHeadersPolicyCorsConfigAccessControlAllowMethods,
    CloudfrontResponseHeadersPolicyCorsConfigAccessControlAllowOrigins,
    CloudfrontResponseHeadersPolicySecurityHeadersConfig,
    CloudfrontResponseHeadersPolicySecurityHeadersConfigContentTypeOptions,
    CloudfrontResponseHeadersPolicySecurityHeadersConfigFrameOptions,
    CloudfrontResponseHeadersPolicySecurityHeadersConfigReferrerPolicy,
    CloudfrontResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurity,
)
from cdktf_cdktf_provider_aws.cloudwatch_log_delivery import CloudwatchLogDelivery
from cdktf_cdktf_provider_aws.cloudwatch_log_delivery_destination import (
    CloudwatchLogDeliveryDestination,
    CloudwatchLogDeliveryDestinationDeliveryDestinationConfiguration,
)
from cdktf_cdktf_provider_aws.cloudwatch_log_delivery_source import CloudwatchLogDeliverySource
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from infrastructure.buckets import SecureBucket
from infrastructure.certificates import alias_record
from infrastructure.config import EnvironmentConfig
from infrastructure.firewall import WebFirewall
from infrastructure.logs import Logs
from infrastructure.policies import allow

ORIGIN_ID = "static-assets"
# The AWS managed cache policy CachingOptimized.
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
TWO_YEARS = 63_072_000
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"


class StaticAssets(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        account_id: str,
        certificate_arn: str,
        logs: Logs,
        data_key: KmsKey,
        edge_key: KmsKey,
        edge_provider: AwsProvider,
    ) -> None:
        super().__init__(scope, id_)
        self.domain_name = f"static.{config.domain_name}"
        bucket_name = f"{config.prefix}-static-{account_id}"
        distribution_arns = f"arn:aws:cloudfront::{account_id}:distribution/*"
        self.bucket = SecureBucket(
            self,
            "bucket",
            name=bucket_name,
            key=data_key,
            access_log_bucket=logs.access_log_bucket,
            policy_statements=[
                allow(
                    "CloudFrontReadsAssets",
                    ["s3:GetObject"],
                    [f"arn:aws:s3:::{bucket_name}/*"],
                    service="cloudfront.amazonaws.com",
                    conditions=[("ArnLike", "AWS:SourceArn", [distribution_arns])],
                )
            ],
        ).bucket
        access = CloudfrontOriginAccessControl(
            self,
            "origin-access",
            name=bucket_name,
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
        )
        firewall = WebFirewall(
            self,
            "firewall",
            name=f"{config.prefix}-cdn",
            waf_scope="CLOUDFRONT",
            requests_per_ip_per_5_minutes=config.waf_requests_per_ip_per_5_minutes,
            logs=logs,
            key=edge_key,
            provider=edge_provider,
        )
        self.distribution = CloudfrontDistribution(
            self,
            "distribution",
            enabled=True,
            comment=f"{config.prefix} static assets",
            aliases=[self.domain_name],
            default_root_object="index.html",
            http_version="http2and3",
            is_ipv6_enabled=True,
            price_class="PriceClass_100",
            web_acl_id=firewall.web_acl.arn,
            origin=[
                CloudfrontDistributionOrigin(
                    origin_id=ORIGIN_ID,
                    domain_name=self.bucket.bucket_regional_domain_name,
                    origin_access_control_id=access.id,
                )
            ],
            default_cache_behavior=CloudfrontDistributionDefaultCacheBehavior(
                target_origin_id=ORIGIN_ID,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD"],
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=CACHING_OPTIMIZED,
                response_headers_policy_id=self._security_headers(config).id,
            ),
            restrictions=CloudfrontDistributionRestrictions(
                geo_restriction=CloudfrontDistributionRestrictionsGeoRestriction(
                    restriction_type="blacklist", locations=list(config.blocked_countries)
                )
            ),
            viewer_certificate=CloudfrontDistributionViewerCertificate(
                acm_certificate_arn=certificate_arn,
                ssl_support_method="sni-only",
                minimum_protocol_version="TLSv1.2_2021",
            ),
        )
        self._access_logs(config, logs, edge_key, edge_provider)
        alias_record(
            self,
            "dns",
            hosted_zone_id=config.hosted_zone_id,
            name=self.domain_name,
            target=self.distribution.domain_name,
            target_zone=CLOUDFRONT_ZONE_ID,
        )

    def _security_headers(self, config: EnvironmentConfig) -> CloudfrontResponseHeadersPolicy:
        return CloudfrontResponseHeadersPolicy(
            self,
            "security-headers",
            name=f"{config.prefix}-security-headers",
            # The trading page, on the API's name, loads its scripts and styles from here as
            # CORS requests (module scripts always are).
            cors_config=CloudfrontResponseHeadersPolicyCorsConfig(
                access_control_allow_origins=CloudfrontResponseHeadersPolicyCorsConfigAccessControlAllowOrigins(
                    items=[f"https://api.{config.domain_name}"]
                ),
                access_control_allow_methods=CloudfrontResponseHeadersPolicyCorsConfigAccessControlAllowMethods(
                    items=["GET", "HEAD"]
                ),
                access_control_allow_headers=CloudfrontResponseHeadersPolicyCorsConfigAccessControlAllowHeaders(
                    items=["*"]
                ),
                access_control_allow_credentials=False,
                access_control_max_age_sec=86_400,
                origin_override=True,
            ),
            security_headers_config=CloudfrontResponseHeadersPolicySecurityHeadersConfig(
                strict_transport_security=CloudfrontResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurity(
                    access_control_max_age_sec=TWO_YEARS,
                    include_subdomains=True,
                    preload=True,
                    override=True,
                ),
                content_type_options=CloudfrontResponseHeadersPolicySecurityHeadersConfigContentTypeOptions(
                    override=True
                ),
                frame_options=CloudfrontResponseHeadersPolicySecurityHeadersConfigFrameOptions(
                    frame_option="DENY", override=True
                ),
                referrer_policy=CloudfrontResponseHeadersPolicySecurityHeadersConfigReferrerPolicy(
                    referrer_policy="strict-origin-when-cross-origin", override=True
                ),
            ),
        )

    def _access_logs(
        self, config: EnvironmentConfig, logs: Logs, key: KmsKey, provider: AwsProvider
    ) -> None:
        """CloudFront's access logs, delivered by CloudWatch (v2) to an encrypted log group."""
        group = logs.group("cdn-access-logs", f"/{config.prefix}/cloudfront", key, provider)
        source = CloudwatchLogDeliverySource(
            self,
            "log-source",
            name=f"{config.prefix}-cdn",
            log_type="ACCESS_LOGS",
            resource_arn=self.distribution.arn,
            provider=provider,
        )
        destination = CloudwatchLogDeliveryDestination(
            self,
            "log-destination",
            name=f"{config.prefix}-cdn",
            delivery_destination_configuration=[
                CloudwatchLogDeliveryDestinationDeliveryDestinationConfiguration(
                    destination_resource_arn=group.arn
                )
            ],
            provider=provider,
        )
        CloudwatchLogDelivery(
            self,
            "log-delivery",
            delivery_source_name=source.name,
            delivery_destination_arn=destination.arn,
            provider=provider,
        )
