"""A WAF web ACL: AWS managed rule groups, a per-client rate limit, and logs."""

from __future__ import annotations

from typing import Any

from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.wafv2_web_acl import (
    Wafv2WebAcl,
    Wafv2WebAclDefaultAction,
    Wafv2WebAclDefaultActionAllow,
    Wafv2WebAclRule,
    Wafv2WebAclRuleAction,
    Wafv2WebAclRuleActionBlock,
    Wafv2WebAclRuleOverrideAction,
    Wafv2WebAclRuleOverrideActionNone,
    Wafv2WebAclRuleVisibilityConfig,
    Wafv2WebAclVisibilityConfig,
)
from cdktf_cdktf_provider_aws.wafv2_web_acl_logging_configuration import (
    Wafv2WebAclLoggingConfiguration,
)
from constructs import Construct

from infrastructure.logs import Logs

MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesAnonymousIpList",
)


class WebFirewall(Construct):
    """`scope` is REGIONAL for the load balancer, CLOUDFRONT (in us-east-1) for the CDN."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        waf_scope: str,
        requests_per_ip_per_5_minutes: int,
        logs: Logs,
        key: KmsKey,
        provider: AwsProvider | None = None,
    ) -> None:
        super().__init__(scope, id_)
        rules = [
            Wafv2WebAclRule(
                name=group,
                priority=priority,
                override_action=Wafv2WebAclRuleOverrideAction(
                    none=Wafv2WebAclRuleOverrideActionNone()
                ),
                statement={"managed_rule_group_statement": {"name": group, "vendor_name": "AWS"}},
                visibility_config=_visibility(group),
            )
            for priority, group in enumerate(MANAGED_RULE_GROUPS, start=1)
        ]
        rules.append(
            Wafv2WebAclRule(
                name="requests-per-client",
                priority=0,
                action=Wafv2WebAclRuleAction(block=Wafv2WebAclRuleActionBlock()),
                statement=_rate_limit(requests_per_ip_per_5_minutes),
                visibility_config=_visibility("requests-per-client"),
            )
        )
        self.web_acl = Wafv2WebAcl(
            self,
            "web-acl",
            name=name,
            scope=waf_scope,
            default_action=Wafv2WebAclDefaultAction(allow=Wafv2WebAclDefaultActionAllow()),
            rule=rules,
            visibility_config=Wafv2WebAclVisibilityConfig(
                cloudwatch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
            ),
            provider=provider,
        )
        # WAF delivers only to log groups whose name starts with aws-waf-logs-.
        log_group = logs.group(f"{name}-waf-logs", f"aws-waf-logs-{name}", key, provider)
        Wafv2WebAclLoggingConfiguration(
            self,
            "logging",
            resource_arn=self.web_acl.arn,
            log_destination_configs=[log_group.arn],
            provider=provider,
        )


def _rate_limit(limit: int) -> dict[str, Any]:
    return {"rate_based_statement": {"limit": limit, "aggregate_key_type": "IP"}}


def _visibility(metric_name: str) -> Wafv2WebAclRuleVisibilityConfig:
    return Wafv2WebAclRuleVisibilityConfig(
        cloudwatch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
    )
